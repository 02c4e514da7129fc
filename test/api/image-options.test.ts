import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { Generation } from '../../src/db/entities/generation.ts';
import { MediaAsset } from '../../src/db/entities/media-asset.ts';
import { retention } from '../../src/retention/purge.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fakeJpeg, startWireServer, type WireServer } from '../helpers/wire-server.ts';
import { createJobContext } from '../jobs/helpers/job-context.ts';

/** Issue 15, "what users choose": aspect ratio, seed, negative prompt and 1–4 images, from the API to the provider and back. */

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T10:00:00.000Z');

const GENERATE_WITH_OPTIONS = /* GraphQL */ `
  mutation($input: GenerateInput!) {
    generate(input: $input, wait: 30) {
      __typename
      ... on Generation { id status provider aspectRatio seed imageCount media { id } images { id mimeType width height keep expiresAt } }
      ... on InvalidOption { field message }
      ... on Error { message }
    }
  }`;

let clock = T0;
let app: TestApp;
let pollinations: WireServer;

beforeAll(async () => {
  pollinations = await startWireServer((request) => {
    // Answers in the size asked, like the real API.
    const width = Number(request.query.get('width'));
    const height = Number(request.query.get('height'));
    return { status: 200, headers: { 'content-type': 'image/jpeg' }, body: fakeJpeg(width, height) };
  });
  app = await createTestApp({ now: () => clock, env: { IMAGE_PROVIDER: 'pollinations', POLLINATIONS_URL: `${pollinations.url}/prompt/`, PROVIDER_MAX_RETRIES: '0' } });
});
afterAll(async () => {
  await app?.close();
  await pollinations?.close();
});
beforeEach(() => {
  pollinations.requests.length = 0;
  clock = T0;
});

async function generationCount(): Promise<number> {
  return app.orm.em.fork().count(Generation, {});
}

describe('image options through the API', () => {
  test('three wide images with a seed: three calls with the ratio and consecutive seeds, one album, the row says what was asked', async () => {
    const { data, errors } = await app.gql(GENERATE_WITH_OPTIONS, {
      input: { kind: 'IMAGE', prompt: 'a dragon over a castle', style: 'fantasy-art', options: { aspectRatio: 'WIDE', seed: 7, count: 3, negativePrompt: 'blurry text, mail me at someone@example.com' } },
    });
    expect(errors).toBeUndefined();
    const generation = data.generate;
    expect(generation).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'pollinations', aspectRatio: 'WIDE', seed: 7, imageCount: 3 });
    expect(generation.images).toHaveLength(3);
    expect(generation.images[0].id).toBe(generation.media.id);
    expect(new Set(generation.images.map((image: { id: string }) => image.id)).size).toBe(3);

    // 16:9 with the configured 1024 kept as the longer side.
    expect(pollinations.requests.map((request) => [request.query.get('width'), request.query.get('height'), request.query.get('seed')])).toEqual([
      ['1024', '576', '7'], ['1024', '576', '8'], ['1024', '576', '9'],
    ]);
    // Pollinations has no negative prompt: it never leaves the process for it.
    for (const request of pollinations.requests) expect(request.url).not.toMatch(/blurry|negative/);

    const row = await app.orm.em.fork().findOneOrFail(Generation, { id: generation.id });
    expect(row.negativePromptRedacted).toContain('blurry text');
    expect(row.negativePromptRedacted).not.toContain('someone@example.com');
    // Never logged, like the prompt.
    expect(app.logLines.join('\n')).not.toMatch(/blurry text|someone@example/);
  });

  test('count 5, a seed out of range, an unknown ratio: refused with the field named, and nothing written or sent', async () => {
    const before = await generationCount();
    const tooMany = await app.gql(GENERATE_WITH_OPTIONS, { input: { kind: 'IMAGE', prompt: 'a cat', options: { count: 5 } } });
    expect(tooMany.data.generate).toMatchObject({ __typename: 'InvalidOption', field: 'count' });
    const badSeed = await app.gql(GENERATE_WITH_OPTIONS, { input: { kind: 'IMAGE', prompt: 'a cat', options: { seed: -1 } } });
    expect(badSeed.data.generate).toMatchObject({ __typename: 'InvalidOption', field: 'seed' });
    const videoAlbum = await app.gql(GENERATE_WITH_OPTIONS, { input: { kind: 'VIDEO', prompt: 'a cat', options: { count: 2 } } });
    expect(videoAlbum.data.generate).toMatchObject({ __typename: 'InvalidOption', field: 'count' });
    const unknownRatio = await app.gql(GENERATE_WITH_OPTIONS, { input: { kind: 'IMAGE', prompt: 'a cat', options: { aspectRatio: 'HUGE' } } });
    expect(unknownRatio.errors?.[0]?.message).toMatch(/HUGE/);
    expect(await generationCount()).toBe(before);
    expect(pollinations.requests).toHaveLength(0);
  });

  test('a prompt draft keeps the options until the style pick', async () => {
    const draft = await app.gql(`mutation($options: ImageOptionsInput) { createPromptDraft(kind: IMAGE, prompt: "a lighthouse", options: $options) { __typename ... on PromptDraft { id } ... on InvalidOption { field } } }`, { options: { aspectRatio: 'PORTRAIT', count: 2, seed: 42 } });
    expect(draft.data.createPromptDraft.__typename).toBe('PromptDraft');
    const refused = await app.gql(`mutation { createPromptDraft(kind: IMAGE, prompt: "a lighthouse", options: { count: 0 }) { __typename ... on InvalidOption { field } } }`);
    expect(refused.data.createPromptDraft).toEqual({ __typename: 'InvalidOption', field: 'count' });
    const { data } = await app.gql(`mutation($id: ID!) { generateFromDraft(draftId: $id, wait: 30) { __typename ... on Generation { status aspectRatio seed imageCount images { width height } } } }`, { id: draft.data.createPromptDraft.id });
    expect(data.generateFromDraft).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', aspectRatio: 'PORTRAIT', seed: 42, imageCount: 2 });
    expect(data.generateFromDraft.images).toEqual([{ width: 680, height: 1024 }, { width: 680, height: 1024 }]);
    expect(pollinations.requests.map((request) => request.query.get('seed'))).toEqual(['42', '43']);
  });

  test('keep, retention and /deleteme cover every image of an album', async () => {
    const as = '1000077';
    const first = await app.gql(GENERATE_WITH_OPTIONS, { input: { kind: 'IMAGE', prompt: 'a kept album', options: { count: 2 } } }, { as });
    const second = await app.gql(GENERATE_WITH_OPTIONS, { input: { kind: 'IMAGE', prompt: 'an expiring album', options: { count: 2, negativePrompt: 'fog' } } }, { as });
    const kept = await app.gql(`mutation($id: ID!) { keepMedia(generationId: $id) { __typename } }`, { id: first.data.generate.id }, { as });
    expect(kept.data.keepMedia.__typename).toBe('Media');
    const assets = async (id: string) => app.orm.em.fork().find(MediaAsset, { generationId: id }, { orderBy: { position: 'asc' } });
    expect((await assets(first.data.generate.id)).map((asset) => asset.keep)).toEqual([true, true]);

    // Past both windows: the non-kept album's two files go, the kept album's stay; the negative prompt goes with the prompt.
    clock = new Date(T0.getTime() + 25 * HOUR);
    const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => clock, jobs: {}, aborted: false });
    await retention(job.context);
    const expired = await assets(second.data.generate.id);
    expect(expired.map((asset) => asset.deletedAt !== null && asset.deletedAt !== undefined)).toEqual([true, true]);
    const keptAssets = await assets(first.data.generate.id);
    expect(keptAssets.map((asset) => asset.deletedAt ?? null)).toEqual([null, null]);
    const row = await app.orm.em.fork().findOneOrFail(Generation, { id: second.data.generate.id });
    expect([row.promptRedacted, row.negativePromptRedacted]).toEqual([null, null]);

    const files = keptAssets.map((asset) => join(app.config.media.dir, asset.storageKey));
    for (const file of files) expect(existsSync(file)).toBe(true);
    const erased = await app.gql(`mutation { deleteMyData { media } }`, {}, { as });
    expect(erased.data.deleteMyData.media).toBe(4);
    for (const file of files) expect(existsSync(file)).toBe(false);
  });
});

describe('an album counts each image against the daily quota', () => {
  test('with 5 images a day: an album of 4 is admitted, then one more image, then an album of 2 is refused', async () => {
    const tight = await createTestApp({
      env: {
        IMAGE_PROVIDER: 'procedural',
        TIERS_JSON: JSON.stringify([{ id: 'free', requestsPerMinute: 1000, daily: { images: 5, videos: 5, textTokens: 1000 }, dailyCostUsd: null, priceStars: 0 }]),
      },
    });
    try {
      const ask = (count: number, wait = 30) => tight.gql(`mutation($input: GenerateInput!, $wait: Int) { generate(input: $input, wait: $wait) { __typename ... on Generation { id status images { id } } ... on QuotaExceeded { quota limit } } }`, { input: { kind: 'IMAGE', prompt: 'a quota test', options: { count } }, wait });
      const album = await ask(4);
      expect(album.data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
      expect(album.data.generate.images).toHaveLength(4);
      expect((await ask(2)).data.generate).toMatchObject({ __typename: 'QuotaExceeded', quota: 'IMAGES', limit: 5 });
      expect((await ask(1)).data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
      expect((await ask(1)).data.generate.__typename).toBe('QuotaExceeded');
      const usage = await tight.gql(`{ viewer { usageToday { images requests } } }`);
      expect(usage.data.viewer.usageToday).toEqual({ images: 5, requests: 2 });
    } finally {
      await tight.close();
    }
  });
});
