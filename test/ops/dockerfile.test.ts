import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * Static checks of the Dockerfile (Docker does not run here, so the image is never built in this
 * suite): what matters for signals, privileges and health is in the file itself.
 */
const ROOT = join(import.meta.dirname, '../..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

interface Instruction { keyword: string; args: string }
/** Instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}
const all = instructions(dockerfile);
const stages = all.filter((i) => i.keyword === 'FROM');
const finalStage = all.slice(all.lastIndexOf(stages[stages.length - 1]!));
const lastOf = (keyword: string) => finalStage.filter((i) => i.keyword === keyword).at(-1);
const execForm = (args: string) => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  test('is multi-stage on the Node version the project pins, with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const image = /ARG NODE_IMAGE=(\S+)/.exec(dockerfile)?.[1] ?? '';
    expect(image).toBe(`node:${pkg.devDependencies['node']}-bookworm-slim`);
    for (const stage of stages) expect(stage.args).toMatch(/^\$\{NODE_IMAGE\} AS \w+$/);
    const install = all.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'));
    expect(install?.args).toMatch(/npm ci --omit=dev/);
    // The runtime stage takes node_modules from the build stage; no compiler comes along.
    expect(finalStage.some((i) => i.keyword === 'COPY' && /--from=deps \/app\/node_modules/.test(i.args))).toBe(true);
    expect(finalStage.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ')).not.toMatch(/g\+\+|make|npm (ci|install)/);
  });

  test('runs as a non-root user under an init, and starts node directly in exec form', () => {
    const user = lastOf('USER')?.args ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(execForm(lastOf('ENTRYPOINT')?.args ?? '[]')).toEqual(['/usr/bin/tini', '-s', '--']);
    const cmd = execForm(lastOf('CMD')?.args ?? '[]');
    expect(cmd[0]).toBe('node');
    expect(cmd).toEqual(['node', '--max-semi-space-size=4', '--heap-growing-percent=20', '--initial-old-space-size=32', '--import', './src/typescript-cache.js', '--import', './src/telemetry/instrument.ts', 'src/main.ts']);
    expect(cmd.join(' ')).not.toMatch(/npm|sh -c/);
  });

  test('runs node with the memory settings npm start uses', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const env = finalStage.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    for (const [name, value] of [['MALLOC_ARENA_MAX', '2'], ['MALLOC_MMAP_THRESHOLD_', '32768']]) {
      expect(start).toContain(`${name}=\${${name}:-${value}}`);
      expect(env).toMatch(new RegExp(`${name}=${value}\\b`));
    }
    const flags = start.match(/exec node (.*?) --import/)?.[1]?.split(' ') ?? [];
    expect(flags).toEqual(['--max-semi-space-size=4', '--heap-growing-percent=20', '--initial-old-space-size=32']);
    expect(execForm(lastOf('CMD')?.args ?? '[]').slice(1, 1 + flags.length)).toEqual(flags);
  });

  test('serves type-stripped modules from a cache the build fills, first thing in CMD as in npm start', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    // First: a TypeScript module loaded before the hook would load Node's stripper after all.
    expect(start).toMatch(/exec node [^.]* --import \.\/src\/typescript-cache\.js --import /);
    // Filled before node starts, as in the image, so that even a first start strips nothing.
    expect(start.startsWith('node src/typescript-cache.js src jobs scripts && ')).toBe(true);
    const cmd = execForm(lastOf('CMD')?.args ?? '[]');
    expect(cmd.indexOf('--import')).toBeGreaterThan(0);
    expect(cmd[cmd.indexOf('--import') + 1]).toBe('./src/typescript-cache.js');
    // Filled once the sources are in place, for every directory whose modules the image's processes load.
    const at = (match: (i: Instruction) => boolean) => finalStage.findIndex(match);
    const fill = at((i) => i.keyword === 'RUN' && i.args === 'node src/typescript-cache.js src jobs scripts');
    for (const dir of ['src', 'jobs', 'scripts']) expect(fill).toBeGreaterThan(at((i) => i.keyword === 'COPY' && i.args.startsWith(`${dir} `)));
    for (const ignore of ['.gitignore', '.dockerignore']) expect(readFileSync(join(ROOT, ignore), 'utf8')).toMatch(/^\.cache\/?$/m);
  });

  test('has a HEALTHCHECK asking { health } through scripts/healthcheck.ts, its modules from the cache', () => {
    const healthcheck = lastOf('HEALTHCHECK')?.args ?? '';
    // Every 15 s for the container's life: without the cache each probe would load Node's stripper.
    expect(healthcheck).toMatch(/CMD \["node", "--import", "\.\/src\/typescript-cache\.js", "scripts\/healthcheck.ts"\]/);
    expect(readFileSync(join(ROOT, 'scripts/healthcheck.ts'), 'utf8')).toContain('{ health { ok } }');
  });

  test('.dockerignore keeps node_modules, data, secrets and git out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', 'data', '.env', '*.env', '.git']) expect(ignored, entry).toContain(entry);
  });
});
