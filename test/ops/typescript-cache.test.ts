import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';

/**
 * src/typescript-cache.js (npm start's and the image's first --import): modules' type-stripped text
 * comes from a cache, so a start never loads Node's TypeScript stripper, and a module runs as Node
 * would have run it (same text, same positions in stack traces, same errors).
 */
const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'atelier-ts-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// As in this package: a .ts file is an ES module (the only kind the hook serves; others go to Node).
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');

const module = join(dir, 'probe.ts');
const probe = (value: number) => `
const value: number = ${value};
const amaro = (process as unknown as { moduleLoadList: string[] }).moduleLoadList.some((entry) => entry.includes('internal/deps/amaro'));
console.log(JSON.stringify({ value, amaro, line: new Error().stack!.split('\\n')[1]!.replace(/.*probe\\.ts:/, '') }));
`;
const run = (file: string, hook = true) => {
  const result = spawnSync(process.execPath, [...(hook ? ['--import', join(ROOT, 'src/typescript-cache.js')] : []), file], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return { code: result.status, stderr: result.stderr, out: result.status === 0 ? JSON.parse(result.stdout) as { value: number; amaro: boolean; line: string } : undefined };
};

test('a module stripped once is served from the cache on the next start, without amaro, and never stale', () => {
  // A random value: this file's text (and so its cache entry) is new to every run of the test.
  const value = Math.floor(Math.random() * 1e9);
  writeFileSync(module, probe(value));
  // Node's own stripping, for reference: the line and column of the `new Error()`.
  const { line } = run(module, false).out!;
  expect(line).toBe('4:50');
  const first = run(module);
  expect(first.out).toEqual({ value, amaro: true, line });
  // No "stripTypeScriptTypes is an experimental feature" warning: Node's own stripping prints none.
  expect(first.stderr).toBe('');
  expect(run(module).out).toEqual({ value, amaro: false, line });
  // Edited, it is stripped again.
  writeFileSync(module, probe(value + 1));
  expect(run(module).out).toEqual({ value: value + 1, amaro: true, line });
  // and the cache keeps only the version now on disk: edits do not pile up.
  expect(entriesOf(module).map((text) => /const value\s*=\s*(\d+)/.exec(text)?.[1])).toEqual([String(value + 1)]);
});

/** The cached texts of one module, found by the sourceURL each ends with. */
function entriesOf(file: string): string[] {
  const cache = join(ROOT, '.cache/typescript');
  const url = `sourceURL=${pathToFileURL(file).href}`;
  const texts = [];
  for (const dir of readdirSync(cache, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(join(cache, dir.name))) {
      const text = readFileSync(join(cache, dir.name, name), 'utf8');
      if (text.includes(url)) texts.push(text);
    }
  }
  return texts;
}

test('filling the cache ahead drops entries of the first layout (a flat file per version)', () => {
  const cache = join(ROOT, '.cache/typescript');
  mkdirSync(cache, { recursive: true });
  const stale = join(cache, `${'0'.repeat(64)}.js`);
  writeFileSync(stale, 'export {};\n');
  writeFileSync(module, probe(1));
  const result = spawnSync(process.execPath, [join(ROOT, 'src/typescript-cache.js'), dir], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(existsSync(stale)).toBe(false);
  expect(entriesOf(module)).toHaveLength(1);
  expect(run(module).out).toMatchObject({ value: 1, amaro: false });
});

test('syntax that type stripping refuses fails as it does without the cache', () => {
  const file = join(dir, 'enum.ts');
  writeFileSync(file, 'enum Colour { Red }\nconsole.log(Colour.Red);\n');
  const withCache = run(file);
  const without = run(file, false);
  expect(without.code).not.toBe(0);
  expect(withCache.code).toBe(without.code);
  expect(withCache.stderr).toContain('ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX');
});
