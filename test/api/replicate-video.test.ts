import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { fakeMp4, startWireServer, type WireServer } from '../helpers/wire-server.ts';

let app: TestApp;
let replicate: WireServer;

beforeAll(async () => {
  let polls = 0;
  replicate = await startWireServer((request) => {
    if (request.method === 'POST' && request.path === '/v1/models/minimax/video-01/predictions') return { status: 201, json: { id: 'v1', status: 'starting', output: null } };
    if (request.method === 'GET' && request.path === '/v1/predictions/v1') {
      polls += 1;
      return polls < 3
        ? { status: 200, json: { id: 'v1', status: 'processing', logs: `${polls * 40}%|████` } }
        : { status: 200, json: { id: 'v1', status: 'succeeded', output: `${replicate.url}/files/v1.mp4`, metrics: { predict_time: 41.5 } } };
    }
    if (request.path === '/files/v1.mp4') return { status: 200, headers: { 'content-type': 'video/mp4' }, body: fakeMp4() };
    return { status: 404, json: { detail: 'Not found' } };
  });
  app = await createTestApp({
    env: { VIDEO_PROVIDER: 'replicate,procedural', REPLICATE_BASE_URL: `${replicate.url}/v1`, REPLICATE_API_TOKEN: 'r8_test', PROVIDER_POLL_MS: '10' },
  });
});
afterAll(async () => {
  await app?.close();
  await replicate?.close();
});

describe('VIDEO_PROVIDER=replicate', () => {
  test('a video request becomes a Replicate prediction and comes back as an MP4 with its list price', async () => {
    const { data } = await app.gql(GENERATE, { input: { kind: 'VIDEO', prompt: 'waves on a beach at sunset', style: 'photo' } });
    expect(data.generate).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'replicate', model: 'minimax/video-01', costUsd: 0.5, costUnknown: false });
    expect(data.generate.media).toMatchObject({ mimeType: 'video/mp4' });
    const create = replicate.requests.find((request) => request.method === 'POST')!;
    // Replicate's reported compute time is recorded.
    expect(await app.metrics!.registry.metrics()).toMatch(/atelier_provider_compute_seconds_sum\{provider="replicate",kind="video"\} 41\.5/);
    expect(JSON.parse(create.body)).toEqual({ input: { prompt: expect.stringContaining('waves on a beach at sunset') } });
  });
});
