import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// Run as its own process: graphql must be loaded exactly as `npm run schema` loads it.
test('schema/schema.graphql matches the Pothos schema (run `npm run schema` to update it)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const output = execFileSync(process.execPath, ['scripts/print-schema.ts', '--check'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(output).toContain('up to date');
});

test('src/bot/ and src/admin/operation-types.ts match the schema and their clients\' documents (run `npm run client-types` to update them)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const output = execFileSync(process.execPath, ['scripts/generate-client-types.ts', '--check'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(output).toContain('up to date');
});
