import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
/** Node 24 first on PATH, as `npm run` itself arranges, so npm's `#!/usr/bin/env node` finds it. */
export const NPM_PATH = [join(ROOT, 'node_modules/.bin'), process.env['PATH'] ?? ''].join(delimiter);

/** npm as the test was started with (`npm test` sets npm_execpath), else the one on PATH; null without one. */
export function npmCommand(): { command: string; args: string[] } | null {
  const execpath = process.env['npm_execpath'];
  if (execpath && /npm-cli\.js$/.test(execpath)) return { command: process.execPath, args: [execpath] };
  const found = spawnSync('npm', ['--version'], { env: { ...process.env, PATH: NPM_PATH }, encoding: 'utf8' });
  return found.status === 0 ? { command: 'npm', args: [] } : null;
}
