import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GENERATE } from '../helpers/documents.ts';
import { startFakeOpenAi } from '../helpers/fake-openai.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  app = await createTestApp({ env: { TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_TEXT_MODEL: 'gpt-4o-mini' } });
});
afterAll(async () => {
  await app?.close();
  await openai?.close();
});

const count = async (table: string, userId: string) =>
  Number((await app.orm.em.fork().getConnection().execute(`select count(*) as n from ${table} where user_id = ?`, [userId]))[0].n);

describe('conversations', () => {
  test('follow-up questions see the earlier turns (redacted); /new starts afresh', async () => {
    const as = '8101';
    const ask = (prompt: string) => app.gql(GENERATE, { input: { kind: 'TEXT', prompt, command: 'ask', conversation: true } }, { as });
    await ask('Who wrote War and Peace? reply to leo@example.com');
    await ask('When was he born?');
    const second = openai.requests[1]!.body.messages as Array<{ role: string; content: string }>;
    expect(second.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second[1]!.content).toContain('[email]');
    expect(JSON.stringify(second)).not.toContain('leo@example.com');
    expect(second[3]!.content).toBe('When was he born?');

    const reset = await app.gql(`mutation { resetConversation }`, {}, { as });
    expect(reset.data.resetConversation).toBe(4);
    await ask('And now?');
    expect((openai.requests[2]!.body.messages as unknown[]).length).toBe(2);
  });

  test('a one-off question (no conversation flag) neither reads nor writes turns', async () => {
    const as = '8102';
    await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'one-off' } }, { as });
    expect(await count('conversation_turns', app.services.pseudonymize(as))).toBe(0);
  });
});

describe('variants and stats', () => {
  test('generateVariant renders another take from the stored prompt; strangers get NotFound', async () => {
    const as = '8201';
    const first = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a lighthouse', style: 'watercolor' } }, { as })).data.generate;
    const variant = async (who: string) =>
      app.gql(`mutation($id: ID!) { generateVariant(generationId: $id, wait: 30) { __typename ... on Generation { id style media { sha256 } } ... on NotFound { resource } } }`, { id: first.id }, { as: who });
    const one = (await variant(as)).data.generateVariant;
    const two = (await variant(as)).data.generateVariant;
    expect(one).toMatchObject({ __typename: 'Generation', style: 'watercolor' });
    expect(new Set([first.media.sha256, one.media.sha256, two.media.sha256]).size).toBe(3);
    expect((await variant('8202')).data.generateVariant).toEqual({ __typename: 'NotFound', resource: 'Generation prompt' });
    const [row] = await app.orm.em.fork().getConnection().execute('select command from generations where id = ?', [one.id]);
    expect(row.command).toBe('variant');
  });

  test('viewer.stats: own numbers only', async () => {
    const as = '8301';
    await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a dragon', style: 'anime' } }, { as });
    await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a wizard', style: 'anime' } }, { as });
    await app.gql(GENERATE, { input: { kind: 'VIDEO', prompt: 'ocean waves', style: 'sketch' } }, { as });
    await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'hello' } }, { as });
    const { data } = await app.gql(`{ viewer { stats { byKind { name count } topStyles { name count } topThemes { name count } total { requests inputTokens outputTokens costUsd } daily { day images videos texts } } } }`, {}, { as });
    expect(data.viewer.stats.byKind).toEqual([{ name: 'image', count: 2 }, { name: 'text', count: 1 }, { name: 'video', count: 1 }]);
    expect(data.viewer.stats.topStyles[0]).toEqual({ name: 'anime', count: 2 });
    expect(data.viewer.stats.topThemes[0]).toEqual({ name: 'fantasy', count: 2 });
    expect(data.viewer.stats.total).toMatchObject({ requests: 4, inputTokens: 25, outputTokens: 2 });
    expect(data.viewer.stats.total.costUsd).toBeGreaterThan(0);
    // 14 UTC days ending today, oldest first; today's column holds all four requests.
    const daily = data.viewer.stats.daily as Array<{ day: string; images: number; videos: number; texts: number }>;
    expect(daily).toHaveLength(14);
    expect(daily.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), images: 2, videos: 1, texts: 1 });
    expect(daily.slice(0, -1).every((day) => day.images + day.videos + day.texts === 0)).toBe(true);
    expect(daily[0]!.day < daily[13]!.day).toBe(true);
  });
});

describe('deleteMyData', () => {
  test('erases the user\'s rows and files and says what was removed; others are untouched', async () => {
    const as = '8401';
    const other = '8402';
    const mine = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'my castle', style: 'photo' } }, { as })).data.generate;
    await app.gql(GENERATE, { input: { kind: 'VIDEO', prompt: 'my waves', style: 'anime' } }, { as });
    await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'my question', conversation: true } }, { as });
    await app.gql(`mutation($id: ID!) { submitFeedback(text: "great", generationId: $id) { __typename } }`, { id: mine.id }, { as });
    const theirs = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'their castle', style: 'photo' } }, { as: other })).data.generate;
    const [asset] = await app.orm.em.fork().getConnection().execute('select storage_key from media_assets where id = ?', [mine.media.id]);
    const file = join(app.config.media.dir, asset.storage_key);
    expect(existsSync(file)).toBe(true);

    const { data } = await app.gql(`mutation { deleteMyData { generations media feedback conversationTurns usageDays } }`, {}, { as });
    expect(data.deleteMyData).toEqual({ generations: 3, media: 2, feedback: 1, conversationTurns: 2, usageDays: 1 });
    const id = app.services.pseudonymize(as);
    for (const table of ['generations', 'media_assets', 'feedback', 'conversation_turns', 'daily_usage']) expect(await count(table, id)).toBe(0);
    expect(Number((await app.orm.em.fork().getConnection().execute('select count(*) as n from users where id = ?', [id]))[0].n)).toBe(0);
    expect(existsSync(file)).toBe(false);
    const still = await app.gql(`query($id: ID!) { generation(id: $id) { id media { url } } }`, { id: theirs.id }, { as: other });
    expect(still.data.generation.id).toBe(theirs.id);
    const [audit] = await app.orm.em.fork().getConnection().execute(`select actor, details from audit_log where action = 'user.erased'`);
    expect(audit.actor).toBe('user');
    expect(JSON.stringify(audit)).not.toContain(id);
  });
});
