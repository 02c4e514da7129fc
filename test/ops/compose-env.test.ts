import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { composeEnv } from '../../scripts/compose-env.ts';
import { parseConfig } from '../../src/config.ts';

/**
 * compose.env as `npm run compose:env` writes it must start the API in production, in both
 * deployments of docker-compose.yml; production refuses missing, sample and repeated secrets.
 */
const ROOT = join(import.meta.dirname, '../..');
const example = readFileSync(join(ROOT, 'compose.env.example'), 'utf8');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, string> }> };

/** Compose's env_file: KEY=VALUE lines; `environment:` wins over it. */
function envFile(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').flatMap((line) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return match ? [[match[1]!, match[2]!]] : [];
  }));
}

const written = envFile(composeEnv(example, () => randomBytes(32).toString('hex')));

describe('compose.env written by npm run compose:env', () => {
  test('fills every empty secret, and the pairs two services share carry one value', () => {
    for (const [key, value] of Object.entries(envFile(example))) if (value === '') expect(written[key], key).toMatch(/^[0-9a-f]{64}$/);
    expect(written['PGPASSWORD']).toBe(written['POSTGRES_PASSWORD']);
    expect(written['S3_SECRET_ACCESS_KEY']).toBe(written['AWS_SECRET_ACCESS_KEY']);
    expect(written['S3_ACCESS_KEY_ID']).toBe(written['AWS_ACCESS_KEY_ID']);
    expect(new Set([written['PSEUDONYM_SECRET'], written['MEDIA_URL_SECRET'], written['BOT_API_TOKEN'], written['ADMIN_API_TOKEN']]).size).toBe(4);
  });

  test.each(['api', 'api-scale', 'scheduler', 'create-bucket'])('starts %s in production', (name) => {
    const env = { ...written, ...compose.services[name]?.environment };
    const config = parseConfig(env);
    expect(config.env).toBe('production');
    if (name !== 'api') expect(config.media.store.kind).toBe('s3');
    if (name !== 'api') expect(config.database.driver).toBe('postgresql');
  });

  test('the example alone (secrets empty) is refused in production, so nobody runs on it by mistake', () => {
    expect(() => parseConfig({ ...envFile(example), ...compose.services['api']?.environment })).toThrow(/PSEUDONYM_SECRET/);
  });
});
