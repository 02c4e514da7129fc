import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { NPM_PATH, ROOT, npmCommand } from '../helpers/npm.ts';

/**
 * Every script answers --help with its usage and does nothing else: no database, no temp dir, no
 * token, no 40-minute benchmark. And a benchmark interrupted with Ctrl-C leaves nothing in /tmp.
 */
const npm = npmCommand();
if (!npm) console.warn('[atelier] npm run --help tests SKIPPED: npm is not on PATH');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
/** The two that only chain tsc and vitest, which have --help of their own. */
const NOT_OURS = new Set(['test', 'typecheck']);
const npmScripts = Object.keys(pkg.scripts).filter((name) => !NOT_OURS.has(name));
// Scripts no npm script runs: the container's healthcheck and bucket one-shot, the benchmarks' children.
const direct = ['scripts/healthcheck.ts', 'scripts/create-bucket.ts', 'scripts/bench/bot-reply.ts', 'scripts/bench/server.ts', 'scripts/bench/load.ts'];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function sandbox() {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-help-data-'));
  const tmp = mkdtempSync(join(tmpdir(), 'atelier-help-tmp-'));
  dirs.push(dataDir, tmp);
  return { dataDir, tmp, env: { PATH: NPM_PATH, HOME: process.env['HOME'] ?? tmp, DATA_DIR: dataDir, TMPDIR: tmp, npm_config_update_notifier: 'false' } };
}

/** What is in a temp dir besides npm's own module compile cache. */
const ours = (dir: string) => readdirSync(dir).filter((name) => name !== 'node-compile-cache');

function expectOnlyUsage(result: { status: number | null; stdout: string; stderr: string }, where: string, box: { dataDir: string; tmp: string }) {
  expect({ status: result.status, stderr: result.stderr.replace(/^> .*\n|^\n/gm, '') }, where).toEqual({ status: 0, stderr: '' });
  expect(result.stdout, where).toMatch(/^usage: /im);
  expect(readdirSync(box.dataDir), `${where} wrote into DATA_DIR`).toEqual([]);
  expect(ours(box.tmp), `${where} wrote into TMPDIR`).toEqual([]);
}

describe('--help', () => {
  test.skipIf(!npm).each(npmScripts)('npm run %s -- --help prints usage, exits 0 and touches nothing', (name) => {
    const box = sandbox();
    const hadComposeEnv = existsSync(join(ROOT, 'compose.env'));
    const result = spawnSync(npm!.command, [...npm!.args, 'run', '--silent', name, '--', '--help'], { cwd: ROOT, env: box.env, encoding: 'utf8', timeout: 60_000 });
    expectOnlyUsage(result, `npm run ${name}`, box);
    expect(existsSync(join(ROOT, 'compose.env')), 'compose.env appeared').toBe(hadComposeEnv);
  }, 60_000);

  test.each(direct)('node %s --help prints usage, exits 0 and touches nothing', (script) => {
    const box = sandbox();
    const result = spawnSync(process.execPath, [script, '--help'], { cwd: ROOT, env: box.env, encoding: 'utf8', timeout: 60_000 });
    expectOnlyUsage(result, script, box);
  });

  test('every script in scripts/ is covered above', () => {
    const covered = new Set([...direct, ...Object.values(pkg.scripts).flatMap((command) => command.match(/scripts\/[\w/-]+\.ts/g) ?? [])]);
    const entries = readdirSync(join(ROOT, 'scripts')).filter((file) => file.endsWith('.ts')).map((file) => `scripts/${file}`);
    expect(entries.filter((file) => !covered.has(file))).toEqual([]);
  });
});

describe('an interrupted benchmark', () => {
  test('Ctrl-C (SIGINT) runs the cleanup the benchmarks register: temp data removed, exit 130', async () => {
    const box = sandbox();
    // The same calls bench-generate, bench-jobs, bench-analytics, bench-telemetry and bench-queue make.
    const script = `
      import { mkdtempSync, writeFileSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      import { createCleanup } from './src/cli.ts';
      const dir = createCleanup().removeOnExit(mkdtempSync(join(tmpdir(), 'atelier-bench-')));
      writeFileSync(join(dir, 'big.sqlite'), Buffer.alloc(1 << 20));
      console.log('ready');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    while (!output.includes('ready')) {
      if (child.exitCode !== null) throw new Error(output);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ours(box.tmp)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited, output).toBe(130);
    expect(ours(box.tmp), 'left in TMPDIR').toEqual([]);
  });
  test('Ctrl-C (SIGINT) during a real bench:generate run removes its database and exits 130', async () => {
    const box = sandbox();
    const child = spawn(process.execPath, ['scripts/bench-generate.ts', '--runs', '1000000'], { cwd: ROOT, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Running: its temp dir holds the SQLite database it measures against.
    const deadline = Date.now() + 90_000;
    const database = () => ours(box.tmp).flatMap((dir) => readdirSync(join(box.tmp, dir)).filter((file) => file.endsWith('.sqlite')));
    while (database().length === 0) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the benchmark never started:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGINT');
    expect(await exited, output).toBe(130);
    expect(ours(box.tmp), 'left in TMPDIR').toEqual([]);
  }, 120_000);
});
