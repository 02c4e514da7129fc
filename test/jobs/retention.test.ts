import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AuditLog } from '../../src/db/entities/audit-log.ts';
import { PromptDraft } from '../../src/db/entities/prompt-draft.ts';
import { ConversationTurn } from '../../src/db/entities/conversation-turn.ts';
import { Generation } from '../../src/db/entities/generation.ts';
import { MediaAsset } from '../../src/db/entities/media-asset.ts';
import { uuidv7 } from '../../src/ids.ts';
import { oldestTemporaryMediaAgeSeconds, retention } from '../../src/retention/purge.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { listFiles } from './helpers/files.ts';
import { createJobContext } from './helpers/job-context.ts';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T10:00:00.000Z');
const KEEP = `mutation($id: ID!) { keepMedia(generationId: $id, keep: true) { __typename ... on Media { keep } } }`;
const ALICE = '5550001';
const BOB = '5550002';

async function generate(app: TestApp, as: string, kind: 'IMAGE' | 'VIDEO' | 'TEXT', prompt: string): Promise<string> {
  const { data, errors } = await app.gql(GENERATE, { input: { kind, prompt, style: kind === 'TEXT' ? undefined : 'anime' } }, { as });
  expect(errors).toBeUndefined();
  // Without a text provider a TEXT request is a failed row: it still stores the redacted prompt.
  if (kind === 'TEXT') {
    const [row] = await app.orm.em.fork().find(Generation, { kind: 'text' }, { orderBy: { id: 'desc' }, limit: 1 });
    return row!.id;
  }
  expect(data.generate.__typename).toBe('Generation');
  return data.generate.id as string;
}

async function keep(app: TestApp, as: string, generationId: string) {
  const { data } = await app.gql(KEEP, { id: generationId }, { as });
  expect(data.keepMedia).toEqual({ __typename: 'Media', keep: true });
}

async function runRetention(app: TestApp, now: Date, options: { batchSize?: number; aborted?: boolean } = {}) {
  const job = createJobContext({
    em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => now,
    jobs: { retentionBatchSize: options.batchSize ?? app.config.jobs.retentionBatchSize }, aborted: options.aborted ?? false,
  });
  return { result: await retention(job.context), progress: job.progress };
}

async function mediaOf(app: TestApp, generationIds: string[]) {
  const rows = await app.orm.em.fork().find(Generation, { id: { $in: generationIds } }, { populate: ['media'] });
  const byId = new Map(rows.map((row) => [row.id, row.media!]));
  return generationIds.map((id) => byId.get(id)!);
}

/** Files in the media directory are exactly the files of rows not marked deleted. */
async function expectFilesMatchRows(app: TestApp) {
  const live = await app.orm.em.fork().find(MediaAsset, { deletedAt: null });
  expect(listFiles(app.config.media.dir)).toEqual(live.map((row) => row.storageKey).sort());
}

describe('retention with the default 24 h window', () => {
  let app: TestApp;
  let clock = T0;
  const old: Record<'aliceImages' | 'bobImages' | 'video' | 'text', string[]> = { aliceImages: [], bobImages: [], video: [], text: [] };
  let kept: string[] = [];
  let young: string[] = [];
  let result: Awaited<ReturnType<typeof runRetention>>;
  let before: Map<string, { fingerprint: string; theme: string; style: string; latencyMs: number; prompt: string | null }>;

  beforeAll(async () => {
    app = await createTestApp({ now: () => clock });
    for (const prompt of ['a dragon over a castle', 'a cat in the rain', 'a lighthouse at dusk']) old.aliceImages.push(await generate(app, ALICE, 'IMAGE', prompt));
    old.video.push(await generate(app, ALICE, 'VIDEO', 'waves on a beach'));
    for (const prompt of ['a red fox', 'a mountain lake']) old.bobImages.push(await generate(app, BOB, 'IMAGE', prompt));
    old.text.push(await generate(app, BOB, 'TEXT', 'what is a haiku?'));
    kept = [old.aliceImages[1]!, old.bobImages[0]!];
    for (const id of kept) await keep(app, id === kept[0] ? ALICE : BOB, id);

    // Conversation turns and audit rows, old and recent (inserted directly: no text provider here).
    const em = app.orm.em.fork();
    const alice = app.services.pseudonymize(ALICE);
    // A prompt whose style was never picked, and one still waiting.
    await em.insertMany(PromptDraft, [
      { id: 'old-draft-0123456789ab', user: alice, kind: 'image', promptRedacted: 'an abandoned idea', promptLength: 17, createdAt: T0, expiresAt: new Date(T0.getTime() + HOUR / 2) },
      { id: 'new-draft-0123456789ab', user: alice, kind: 'image', promptRedacted: 'a pending idea', promptLength: 14, createdAt: new Date(T0.getTime() + 48 * HOUR), expiresAt: new Date(T0.getTime() + 49 * HOUR) },
    ]);
    await em.insertMany(ConversationTurn, [
      { id: uuidv7(T0.getTime()), user: alice, role: 'user', text: 'old question', createdAt: T0, expiresAt: new Date(T0.getTime() + 24 * HOUR) },
      { id: uuidv7(T0.getTime() + 1), user: alice, role: 'assistant', text: 'old answer', createdAt: T0, expiresAt: new Date(T0.getTime() + 24 * HOUR) },
      { id: uuidv7(T0.getTime() + 20 * HOUR), user: alice, role: 'user', text: 'new question', createdAt: new Date(T0.getTime() + 20 * HOUR), expiresAt: new Date(T0.getTime() + 44 * HOUR) },
    ] as never[]);
    const later = new Date(T0.getTime() + 25 * HOUR);
    await em.insertMany(AuditLog, [
      { at: new Date(later.getTime() - 400 * 24 * HOUR), actor: 'test', action: 'token.issued' },
      { at: new Date(later.getTime() - 366 * 24 * HOUR), actor: 'test', action: 'token.issued' },
      { at: new Date(later.getTime() - 10 * 24 * HOUR), actor: 'test', action: 'token.issued' },
    ] as never[]);

    clock = later;
    young = [await generate(app, ALICE, 'IMAGE', 'a fresh sunrise'), await generate(app, BOB, 'TEXT', 'a fresh question')];
    const rows = await app.orm.em.fork().find(Generation, {});
    before = new Map(rows.map((row) => [row.id, { fingerprint: row.promptFingerprint, theme: row.theme, style: row.style, latencyMs: row.latencyMs, prompt: row.promptRedacted ?? null }]));
    expect(listFiles(app.config.media.dir)).toHaveLength(7);
    // Batches of 2: every kind takes several batches.
    result = await runRetention(app, clock, { batchSize: 2 });
  }, 60_000);
  afterAll(async () => app?.close());

  test('expired media files are gone and their rows are marked deleted, not removed', async () => {
    const expired = await mediaOf(app, [old.aliceImages[0]!, old.aliceImages[2]!, old.bobImages[1]!, ...old.video]);
    expect(expired).toHaveLength(4);
    for (const asset of expired) {
      expect(asset.deletedAt?.getTime()).toBe(clock.getTime());
      expect(await app.mediaStore.get(asset.storageKey)).toBeNull();
    }
  });

  test('kept media and younger media are still there, with their files', async () => {
    const remaining = await mediaOf(app, [...kept, young[0]!]);
    expect(remaining.map((asset) => asset.deletedAt ?? null)).toEqual([null, null, null]);
    for (const asset of remaining) expect(await app.mediaStore.get(asset.storageKey)).not.toBeNull();
    expect(remaining.filter((asset) => asset.keep)).toHaveLength(2);
  });

  test('files on disk match the rows exactly', async () => {
    await expectFilesMatchRows(app);
    expect(listFiles(app.config.media.dir)).toHaveLength(3);
  });

  test('prompt text past the window is cleared; fingerprint, theme and numbers stay; young text stays', async () => {
    const rows = await app.orm.em.fork().find(Generation, {});
    expect(rows).toHaveLength(9);
    for (const row of rows) {
      const was = before.get(row.id)!;
      expect({ fingerprint: row.promptFingerprint, theme: row.theme, style: row.style, latencyMs: row.latencyMs }).toEqual({
        fingerprint: was.fingerprint, theme: was.theme, style: was.style, latencyMs: was.latencyMs,
      });
      if (young.includes(row.id)) expect(row.promptRedacted).toBe(was.prompt);
      else expect(row.promptRedacted ?? null).toBeNull();
    }
    expect(young.every((id) => before.get(id)!.prompt !== null)).toBe(true);
  });

  test('expired conversation turns and audit rows past their retention are deleted', async () => {
    const em = app.orm.em.fork();
    expect((await em.find(ConversationTurn, {})).map((turn) => turn.text)).toEqual(['new question']);
    const audit = await em.find(AuditLog, { actor: 'test' });
    expect(audit).toHaveLength(1);
    expect((await em.find(PromptDraft, {})).map((draft) => draft.promptRedacted)).toEqual(['a pending idea']);
  });

  test('reports what it did per kind, batch by batch', () => {
    expect(result.result.cancelled).toBeUndefined();
    // Two per-minute rate-limit windows (Alice's and Bob's at T0) are long past.
    expect(result.result.details).toMatchObject({ media: 4, prompt_text: 7, prompt_drafts: 1, conversation_turns: 2, rate_limit_windows: 2, audit: 2, fileErrors: 0 });
    expect(result.result.rowsAffected).toBe(4 + 7 + 1 + 2 + 2 + 2);
    const media = result.progress.filter((call) => call.what === 'media');
    expect(media.map((call) => call.rows)).toEqual([2, 2]);
    expect(result.progress.filter((call) => call.what === 'prompt_text').map((call) => call.rows)).toEqual([2, 2, 2, 1]);
  });

  test('a second run finds nothing left to do', async () => {
    const again = await runRetention(app, clock, { batchSize: 2 });
    expect(again.result.rowsAffected).toBe(0);
    expect(again.progress).toEqual([]);
  });

  test('the oldest temporary media age is the age of the youngest image now', async () => {
    const [fresh] = await mediaOf(app, [young[0]!]);
    const later = new Date(clock.getTime() + 90_000);
    expect(await oldestTemporaryMediaAgeSeconds(app.orm.em.fork(), later)).toBe((later.getTime() - fresh!.createdAt.getTime()) / 1000);
  });
});

describe('retention cancelled mid-run', () => {
  let app: TestApp;
  let clock = T0;
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock });
    // Spread over users: one user may only send a few requests a minute.
    for (let index = 0; index < 5; index += 1) await generate(app, index % 2 === 0 ? ALICE : BOB, 'IMAGE', `a painting number ${index}`);
    clock = new Date(T0.getTime() + 25 * HOUR);
  }, 60_000);
  afterAll(async () => app?.close());

  test('an aborted signal stops after the first batch, consistently, and the next run completes the work', async () => {
    const stopped = await runRetention(app, clock, { batchSize: 2, aborted: true });
    expect(stopped.result).toMatchObject({ rowsAffected: 2, cancelled: true, details: { media: 2, prompt_text: 0 } });
    expect(stopped.progress).toEqual([{ what: 'media', rows: 2 }]);
    expect(await app.orm.em.fork().count(MediaAsset, { deletedAt: null })).toBe(3);
    await expectFilesMatchRows(app);

    const rest = await runRetention(app, clock, { batchSize: 2 });
    expect(rest.result).toMatchObject({ rowsAffected: 3 + 5 + 2, details: { media: 3, prompt_text: 5, rate_limit_windows: 2 } });
    expect(await app.orm.em.fork().count(MediaAsset, { deletedAt: null })).toBe(0);
    expect(listFiles(app.config.media.dir)).toEqual([]);
    expect(await oldestTemporaryMediaAgeSeconds(app.orm.em.fork(), clock)).toBe(0);
  });
});

describe('retention with MEDIA_RETENTION_HOURS=0', () => {
  let app: TestApp;
  let clock = T0;
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock, env: { MEDIA_RETENTION_HOURS: '0' } });
  });
  afterAll(async () => app?.close());

  test('media goes on the next run after delivery; prompt text still stays 24 h', async () => {
    const id = await generate(app, ALICE, 'IMAGE', 'a quick sketch of a bird');
    const keptId = await generate(app, ALICE, 'IMAGE', 'a sketch worth keeping');
    await keep(app, ALICE, keptId);
    clock = new Date(T0.getTime() + 1000);
    const first = await runRetention(app, clock);
    expect(first.result.details).toMatchObject({ media: 1, prompt_text: 0, promptTextWindowHours: 24 });
    const [gone, kept] = await mediaOf(app, [id, keptId]);
    expect(gone!.deletedAt).not.toBeNull();
    expect(kept!.deletedAt ?? null).toBeNull();
    await expectFilesMatchRows(app);
    expect((await app.orm.em.fork().findOneOrFail(Generation, { id })).promptRedacted).toBe('a quick sketch of a bird');

    clock = new Date(T0.getTime() + 24 * HOUR + 1000);
    const later = await runRetention(app, clock);
    expect(later.result.details).toMatchObject({ media: 0, prompt_text: 2, rate_limit_windows: 1 });
    expect((await app.orm.em.fork().findOneOrFail(Generation, { id })).promptRedacted ?? null).toBeNull();
  });
});
