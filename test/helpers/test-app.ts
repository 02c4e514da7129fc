import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

export const BOT_TOKEN = 'test-bot-token-0123456789abcdef';
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** Tests that are not about limits should never meet one: a roomy first tier (limits.test.ts uses its own). */
export const ROOMY_TIERS = JSON.stringify([
  { id: 'free', requestsPerMinute: 100_000, daily: { images: 100_000, videos: 100_000, textTokens: 100_000_000 }, dailyCostUsd: null, priceStars: 0 },
  { id: 'pro', requestsPerMinute: 100_000, daily: { images: 100_000, videos: 100_000, textTokens: 100_000_000 }, dailyCostUsd: null, priceStars: 900 },
]);

export type TestDriver = 'sqlite' | 'postgresql';
export const TEST_DRIVER: TestDriver = process.env['ATELIER_TEST_DB'] === 'postgresql' ? 'postgresql' : 'sqlite';

export interface TestAppOptions {
  env?: Record<string, string>;
  providers?: AppDeps['providers'];
  mediaStore?: AppDeps['mediaStore'];
  now?: () => Date;
}

export interface GqlOptions {
  /** Telegram user the bot acts for; null sends no user header. */
  as?: string | null;
  /** API token; null sends none. Defaults to the bot token. */
  token?: string | null;
  headers?: Record<string, string>;
}

/** A whole API over a real database of its own: a temp SQLite file, or a fresh PostgreSQL schema. */
export async function createTestApp(options: TestAppOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-test-'));
  const schemaName = `t_${randomBytes(6).toString('hex')}`;
  let databaseUrl = `sqlite:${join(dir, 'atelier.sqlite')}`;
  let admin: Orm | undefined;
  if (TEST_DRIVER === 'postgresql') {
    const base = process.env['ATELIER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
    admin = await createOrm({ driver: 'postgresql', url: base }, { migrate: false });
    await admin.em.getConnection().execute(`create schema "${schemaName}"`);
    databaseUrl = base;
  }
  const config = parseConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    BOT_API_TOKEN: BOT_TOKEN,
    ADMIN_API_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'debug',
    PUBLIC_URL: 'http://localhost:4000',
    TIERS_JSON: ROOMY_TIERS,
    // Likewise the caps per credential and per client address (test/security/ sets its own).
    TOKEN_NEW_USERS_PER_MINUTE: '0',
    TOKEN_MAX_ACTIVE_GENERATIONS: '0',
    TOKEN_DAILY_COST_USD: '0',
    AUTH_FAILURE_LIMIT: '0',
    ...(TEST_DRIVER === 'postgresql' ? { DATABASE_SCHEMA: schemaName } : {}),
    ...options.env,
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const orm = await createOrm(config.database);
  const app = await createApp({
    config,
    orm,
    logger,
    secrets: { pseudonymSecret: 'p'.repeat(32), mediaUrlSecret: 'm'.repeat(32) },
    version: '0.0.0-test',
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.mediaStore ? { mediaStore: options.mediaStore } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, gqlOptions: GqlOptions = {}) {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...gqlOptions.headers };
    const token = gqlOptions.token === undefined ? BOT_TOKEN : gqlOptions.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    const as = gqlOptions.as === undefined ? '1000001' : gqlOptions.as;
    if (as) headers['x-telegram-user-id'] = as;
    const response = await app.http.fetch('http://localhost/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    return { status: response.status, ...body };
  }

  return {
    ...app,
    config,
    orm,
    dir,
    logLines,
    gql,
    async close() {
      await app.stopGeneration(1000);
      await orm.close();
      if (admin) {
        await admin.em.getConnection().execute(`drop schema "${schemaName}" cascade`);
        await admin.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
