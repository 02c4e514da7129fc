import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Generation } from '../../src/db/entities/generation.ts';
import { MediaAsset } from '../../src/db/entities/media-asset.ts';
import { RateLimitWindow } from '../../src/db/entities/rate-limit-window.ts';
import { User } from '../../src/db/entities/user.ts';
import { uuidv7 } from '../../src/ids.ts';
import { retention } from '../../src/retention/purge.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { listFiles } from './helpers/files.ts';
import { createJobContext } from './helpers/job-context.ts';

/** Issue 13, class 5: what retention never pruned: rate-limit windows, empty idle users, orphaned media files. */

const MINUTE = 60_000;
const DAY = 86_400_000;

async function runRetention(app: TestApp, now: Date) {
  const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => now, jobs: {}, aborted: false });
  return { result: await retention(job.context), progress: job.progress };
}

describe('rate-limit windows', () => {
  let app: TestApp;
  let clock = new Date('2026-03-01T10:00:10.000Z');
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock });
  });
  afterAll(async () => app?.close());

  test('a window is kept while it can still count, and pruned once it is past', async () => {
    for (const as of ['8880001', '8880002']) {
      const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a windmill', style: 'anime' } }, { as });
      expect(data.generate.__typename).toBe('Generation');
    }
    expect(await app.orm.em.fork().count(RateLimitWindow, {})).toBe(2);

    clock = new Date(clock.getTime() + MINUTE);
    expect((await runRetention(app, clock)).result.details).toMatchObject({ rate_limit_windows: 0 });
    expect(await app.orm.em.fork().count(RateLimitWindow, {})).toBe(2);

    clock = new Date(clock.getTime() + 2 * MINUTE);
    const run = await runRetention(app, clock);
    expect(run.result.details).toMatchObject({ rate_limit_windows: 2 });
    expect(run.progress).toContainEqual({ what: 'rate_limit_windows', rows: 2 });
    expect(await app.orm.em.fork().count(RateLimitWindow, {})).toBe(0);
  });
});

describe('idle users', () => {
  let app: TestApp;
  const now = new Date('2026-06-01T00:00:00.000Z');
  beforeAll(async () => {
    app = await createTestApp({ now: () => now });
    const em = app.orm.em.fork();
    const longAgo = new Date(now.getTime() - 31 * DAY);
    const user = (id: string, fields: Record<string, unknown> = {}) => ({ id, tier: 'free', tierExpiresAt: null, locale: null, defaultStyle: null, firstSeenAt: longAgo, lastSeenAt: longAgo, ...fields });
    await em.insertMany(User, [
      user('idle-empty', { locale: 'ru' }),
      user('idle-with-a-generation'),
      user('idle-on-a-tier-set-by-an-admin', { tier: 'pro' }),
      user('idle-with-paid-time-recorded', { tier: 'free', tierExpiresAt: new Date(now.getTime() - DAY) }),
      user('recently-seen-empty', { lastSeenAt: new Date(now.getTime() - 29 * DAY) }),
    ] as never[]);
    await em.insertMany(Generation, [{
      id: uuidv7(longAgo.getTime()), user: 'idle-with-a-generation', kind: 'image', command: 'imagine', provider: 'procedural', model: 'procedural-v1',
      style: 'photo', theme: 'other', status: 'succeeded', latencyMs: 1, costUsd: 0, costUnknown: false, promptRedacted: null,
      promptFingerprint: 'f'.repeat(32), promptLength: 3, createdAt: longAgo,
    }] as never[]);
  });
  afterAll(async () => app?.close());

  test('a user with nothing else stored goes IDLE_USER_RETENTION_DAYS after their last visit; anyone with data or a tier stays', async () => {
    const run = await runRetention(app, now);
    expect(run.result.details).toMatchObject({ idle_users: 1 });
    const left = (await app.orm.em.fork().find(User, {}, { orderBy: { id: 'asc' } })).map((row) => row.id);
    expect(left).toEqual(['idle-on-a-tier-set-by-an-admin', 'idle-with-a-generation', 'idle-with-paid-time-recorded', 'recently-seen-empty']);
  });
});

describe('orphaned media files', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  function writeMedia(key: string, ageMs: number) {
    const path = join(app.config.media.dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'bytes');
    const at = new Date(Date.now() - ageMs);
    utimesSync(path, at, at);
  }

  test('files no row accounts for are deleted after a grace period; live files, young files and foreign names stay', async () => {
    const made: string[] = [];
    for (const prompt of ['a kite', 'a boat']) {
      const { data } = await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt, style: 'anime' } }, { as: '8880010' });
      made.push(data.generate.media.id);
    }
    const [live, erased] = await app.orm.em.fork().find(MediaAsset, { id: { $in: made } }, { orderBy: { id: 'asc' } });
    // Two hours old, so only the missing row decides: one live, one whose row says it is deleted.
    for (const row of [live!, erased!]) utimesSync(join(app.config.media.dir, row.storageKey), new Date(Date.now() - 2 * 3_600_000), new Date(Date.now() - 2 * 3_600_000));
    await app.orm.em.fork().nativeUpdate(MediaAsset, { id: erased!.id }, { deletedAt: new Date() });

    const crashed = `2026/03/01/${uuidv7()}.png`;
    const halfWritten = `2026/03/01/${uuidv7()}.png.4242.tmp`;
    const young = `2026/03/01/${uuidv7()}.png`;
    writeMedia(crashed, 2 * 3_600_000);
    writeMedia(halfWritten, 2 * 3_600_000);
    writeMedia(young, 10 * MINUTE);
    writeMedia('notes/readme.txt', 2 * 3_600_000);

    const run = await runRetention(app, new Date());
    expect(run.result.details).toMatchObject({ orphan_media: 3, media: 0, fileErrors: 0 });
    expect(listFiles(app.config.media.dir)).toEqual([young, live!.storageKey, 'notes/readme.txt'].sort());
    expect(run.progress.filter((call) => call.what === 'orphan_media').reduce((sum, call) => sum + call.rows, 0)).toBe(3);
  });
});

describe('revoked JWTs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  test('retention drops revocations past any token they could refuse, and keeps live ones', async () => {
    const insert = 'insert into revoked_tokens (jti, revoked_at, expires_at) values (?, ?, ?)';
    const connection = app.orm.em.fork().getConnection();
    await connection.execute(insert, ['ancient', new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T01:01:00Z')]);
    await connection.execute(insert, ['live', new Date('2026-03-01T09:00:00Z'), new Date('2026-03-01T11:00:00Z')]);
    const { result } = await runRetention(app, new Date('2026-03-01T10:00:00Z'));
    expect(result.details).toMatchObject({ revoked_jwts: 1 });
    const left = (await connection.execute('select jti from revoked_tokens')) as Array<{ jti: string }>;
    expect(left.map((row) => row.jti)).toEqual(['live']);
  });
});
