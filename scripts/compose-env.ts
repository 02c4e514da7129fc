/**
 * `npm run compose:env`: writes compose.env (the secrets file of docker-compose.yml) from
 * compose.env.example, with a fresh random value for every empty setting there.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: npm run compose:env -- [--out FILE] [--force]

Writes compose.env (or FILE) from compose.env.example: every empty value becomes 32 random bytes in
hex, except the pairs that must match (PGPASSWORD = POSTGRES_PASSWORD, S3_SECRET_ACCESS_KEY =
AWS_SECRET_ACCESS_KEY). The file is readable by its owner only. An existing file is left alone
unless --force (changing PSEUDONYM_SECRET orphans every user).`);

/** Settings that must carry another setting's value (two services, one secret). */
const SAME_AS: Record<string, string> = { PGPASSWORD: 'POSTGRES_PASSWORD', S3_SECRET_ACCESS_KEY: 'AWS_SECRET_ACCESS_KEY', S3_ACCESS_KEY_ID: 'AWS_ACCESS_KEY_ID' };

export function composeEnv(example: string, random: () => string): string {
  const values = new Map<string, string>();
  return example
    .split('\n')
    .map((line) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (!match) return line;
      const [, name = '', given = ''] = match;
      const source = SAME_AS[name];
      const value = source !== undefined ? (values.get(source) ?? given) : given !== '' ? given : random();
      values.set(name, value);
      return `${name}=${value}`;
    })
    .join('\n');
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] ?? '' : join(root, 'compose.env');
  if (!out) {
    console.error('--out needs a file name');
    process.exit(2);
  }
  if (existsSync(out) && !process.argv.includes('--force')) {
    console.error(`${out} exists; left alone (--force replaces it, and with it every secret)`);
    process.exit(1);
  }
  const text = composeEnv(readFileSync(join(root, 'compose.env.example'), 'utf8'), () => randomBytes(32).toString('hex'));
  writeFileSync(out, text, { mode: 0o600 });
  console.log(`wrote ${out}`);
}
