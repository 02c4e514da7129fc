import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { retention } from '../../src/retention/purge.ts';
import { fetchMedia, isPng } from '../helpers/documents.ts';
import { DEFAULT_TRANSCRIPT, json, startFakeOpenAi, type FormFile } from '../helpers/fake-openai.ts';
import { fakeJpeg, fakeOggVoice } from '../helpers/media-fixtures.ts';
import { ADMIN_TOKEN, BOT_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { createJobContext } from '../jobs/helpers/job-context.ts';

/** A user's photo and voice as input: POST /uploads, a question about a photo, transcription, edits. */

let app: TestApp;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
const UPLOAD_MAX = 64 * 1024;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  app = await createTestApp({
    env: {
      IMAGE_PROVIDER: 'openai', TEXT_PROVIDER: 'openai', TRANSCRIPTION_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: 'sk-test',
      PROVIDER_MAX_RETRIES: '0', MEDIA_UPLOAD_MAX_BYTES: String(UPLOAD_MAX),
    },
  });
});
afterAll(async () => {
  await app?.close();
  await openai?.close();
});
beforeEach(() => openai.reset());

async function upload(bytes: Uint8Array, options: { as?: string; token?: string | null; type?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'application/octet-stream', 'x-telegram-user-id': options.as ?? '8100001' };
  const token = options.token === undefined ? BOT_TOKEN : options.token;
  if (token) headers['authorization'] = `Bearer ${token}`;
  const response = await app.http.fetch('http://localhost/uploads', { method: 'POST', headers, body: bytes as Uint8Array<ArrayBuffer> });
  return { status: response.status, body: (await response.json()) as any };
}

async function mediaRows(as: string) {
  return app.orm.em.fork().getConnection().execute('select * from media_assets where user_id = ?', [app.services.pseudonymize(as)]);
}

const ASK = `subscription A($input: AnswerInput!) { answerStream(input: $input) {
  __typename ... on AnswerChunk { text generation { id status } } ... on MediaInputRejected { reason } ... on Error { message }
} }`;

async function ask(input: Record<string, unknown>, as: string): Promise<any> {
  const response = await app.http.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': as },
    body: JSON.stringify({ query: ASK, variables: { input } }),
  });
  const events = (await response.text()).split('\n\n').filter((block) => block.startsWith('event: next'))
    .map((block) => JSON.parse(block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5)).join('\n')).data.answerStream);
  return events.at(-1);
}

const TRANSCRIBE = `mutation T($id: ID!) { transcribe(mediaId: $id) { __typename ... on Transcript { text } ... on MediaInputRejected { reason } ... on ProviderUnavailable { cause } } }`;
const EDIT = `mutation E($id: ID!, $instruction: String!) { editImage(mediaId: $id, instruction: $instruction, wait: 30) {
  __typename ... on Generation { id status provider media { url mimeType } } ... on MediaInputRejected { reason } ... on ProviderUnavailable { cause } } }`;

describe('POST /uploads', () => {
  test('a photo is stored as the user\'s media, with the same expiry as generated media', async () => {
    const photo = await fakeJpeg();
    const { status, body } = await upload(photo, { type: 'image/jpeg' });
    expect(status).toBe(201);
    expect(body.media).toMatchObject({ mimeType: 'image/jpeg', sizeBytes: photo.byteLength });
    const [row] = (await mediaRows('8100001')).filter((candidate: any) => candidate.id === body.media.id);
    expect(row).toBeTruthy();
    const hours = (new Date(row.expires_at).getTime() - new Date(row.created_at).getTime()) / 3_600_000;
    expect(hours).toBe(app.config.media.retentionHours);
    expect(await app.mediaStore.get(row.storage_key)).toEqual(photo);
  });

  test('the type comes from the bytes: HTML called image/jpeg is refused, and nothing is stored', async () => {
    const before = (await mediaRows('8100002')).length;
    const { status, body } = await upload(new TextEncoder().encode('<html><script>alert(1)</script></html>'), { as: '8100002', type: 'image/jpeg' });
    expect(status).toBe(415);
    expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await mediaRows('8100002')).length).toBe(before);
  });

  test('a file over MEDIA_UPLOAD_MAX_BYTES is refused with 413, an empty one with 400', async () => {
    const big = fakeOggVoice(UPLOAD_MAX + 1);
    expect((await upload(big, { as: '8100002' })).body.error.code).toBe('TOO_LARGE');
    expect((await upload(big, { as: '8100002' })).status).toBe(413);
    expect((await upload(new Uint8Array(), { as: '8100002' })).body.error.code).toBe('EMPTY');
    expect(await mediaRows('8100002')).toHaveLength(0);
  });

  test('only a bot token naming a user may upload', async () => {
    expect((await upload(fakeOggVoice(), { token: null })).status).toBe(401);
    expect((await upload(fakeOggVoice(), { token: 'not-a-token' })).status).toBe(401);
    expect((await upload(fakeOggVoice(), { token: ADMIN_TOKEN })).body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('a photo with a question', () => {
  test('is answered by the vision model, which gets the picture as a data: URL and only the redacted question', async () => {
    const photo = await fakeJpeg();
    const { body } = await upload(photo, { as: '8100003' });
    const last = await ask({ prompt: 'what is this? mail me at ann@example.org', command: 'photo', imageId: body.media.id }, '8100003');
    expect(last).toMatchObject({ __typename: 'AnswerChunk', text: 'A small grey square.', generation: { status: 'SUCCEEDED' } });
    const sent = openai.requests.find((request) => request.path === '/v1/chat/completions')!;
    const content = sent.body.messages.at(-1).content;
    expect(content[0]).toEqual({ type: 'text', text: 'what is this? mail me at [email]' });
    expect(content[1].image_url.url).toBe(`data:image/jpeg;base64,${Buffer.from(photo).toString('base64')}`);
  });

  test('someone else\'s picture is NOT_FOUND, and the model is never called', async () => {
    const { body } = await upload(await fakeJpeg(), { as: '8100004' });
    expect(await ask({ prompt: 'what is this?', imageId: body.media.id }, '8100005')).toMatchObject({ __typename: 'MediaInputRejected', reason: 'NOT_FOUND' });
    expect(openai.requests).toHaveLength(0);
  });
});

describe('a voice message', () => {
  test('is transcribed through /audio/transcriptions (multipart, an .ogg file) and the transcript is not stored', async () => {
    const voice = fakeOggVoice();
    const { body } = await upload(voice, { as: '8100006' });
    const { data } = await app.gql(TRANSCRIBE, { id: body.media.id }, { as: '8100006' });
    expect(data.transcribe).toEqual({ __typename: 'Transcript', text: DEFAULT_TRANSCRIPT });
    const sent = openai.requests.find((request) => request.path === '/v1/audio/transcriptions')!;
    expect(sent.body.model).toBe('gpt-4o-mini-transcribe');
    expect((sent.body.file as FormFile).filename).toBe('voice.ogg');
    expect((sent.body.file as FormFile).bytes).toEqual(voice);
    const stored = JSON.stringify(await app.orm.em.fork().getConnection().execute('select * from generations'));
    expect(stored).not.toContain(DEFAULT_TRANSCRIPT);
    expect(app.logLines.join('')).not.toContain(DEFAULT_TRANSCRIPT);
  });

  test('a photo is not a recording; a provider error is a typed ProviderUnavailable', async () => {
    const { body: photo } = await upload(await fakeJpeg(), { as: '8100006' });
    expect((await app.gql(TRANSCRIBE, { id: photo.media.id }, { as: '8100006' })).data.transcribe).toMatchObject({ reason: 'NOT_FOUND' });
    openai.respondWith((_request, response) => json(response, 400, { error: { message: 'Audio file is too short.', type: 'invalid_request_error', code: 'audio_too_short' } }));
    const { body } = await upload(fakeOggVoice(), { as: '8100006' });
    expect((await app.gql(TRANSCRIBE, { id: body.media.id }, { as: '8100006' })).data.transcribe.__typename).toBe('ProviderUnavailable');
  });
});

describe('/edit', () => {
  test('an uploaded photo is edited through /images/edits and the result is a new image', async () => {
    const photo = await fakeJpeg();
    const { body } = await upload(photo, { as: '8100007' });
    const { data } = await app.gql(EDIT, { id: body.media.id, instruction: 'make it look like winter' }, { as: '8100007' });
    expect(data.editImage).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'openai' });
    expect(isPng((await fetchMedia(app.http, data.editImage.media.url)).bytes)).toBe(true);
    const sent = openai.requests.find((request) => request.path === '/v1/images/edits')!;
    expect(sent.body.prompt).toContain('make it look like winter');
    expect((sent.body.image as FormFile).bytes).toEqual(photo);
    expect((sent.body.image as FormFile).type).toBe('image/jpeg');
  });

  test('a recording cannot be edited', async () => {
    const { body } = await upload(fakeOggVoice(), { as: '8100007' });
    expect((await app.gql(EDIT, { id: body.media.id, instruction: 'brighter' }, { as: '8100007' })).data.editImage).toMatchObject({ reason: 'NOT_FOUND' });
  });
});

describe('uploads are erased and expire like generated media', () => {
  test('deleteMyData removes the uploads, rows and files', async () => {
    const { body } = await upload(await fakeJpeg(), { as: '8100008' });
    await upload(fakeOggVoice(), { as: '8100008' });
    const [row] = (await mediaRows('8100008')).filter((candidate: any) => candidate.id === body.media.id);
    const { data } = await app.gql(`mutation { deleteMyData { media } }`, {}, { as: '8100008' });
    expect(data.deleteMyData.media).toBe(2);
    expect(await mediaRows('8100008')).toHaveLength(0);
    expect(await app.mediaStore.get(row.storage_key)).toBeNull();
  });

  test('the retention run deletes an upload past its window', async () => {
    const { body } = await upload(fakeOggVoice(), { as: '8100009' });
    const [row] = await mediaRows('8100009');
    const later = new Date(Date.now() + (app.config.media.retentionHours + 1) * 3_600_000);
    const job = createJobContext({ em: app.orm.em.fork(), config: app.config, store: app.mediaStore, now: () => later });
    await retention(job.context);
    expect(await app.mediaStore.get(row.storage_key)).toBeNull();
    expect((await app.gql(TRANSCRIBE, { id: body.media.id }, { as: '8100009' })).data.transcribe).toMatchObject({ reason: 'NOT_FOUND' });
  });
});

describe('providers that cannot take a picture', () => {
  let plain: TestApp;
  beforeAll(async () => {
    // Pollinations' text endpoint is configured without vision; sdwebui cannot edit (txt2img only).
    plain = await createTestApp({ env: { IMAGE_PROVIDER: 'sdwebui', SDWEBUI_URL: 'http://127.0.0.1:9', TEXT_PROVIDER: 'pollinations', POLLINATIONS_TEXT_URL: `${openai.baseUrl}/chat/completions` } });
  });
  afterAll(async () => plain?.close());

  test('give typed EDIT_UNSUPPORTED and VISION_UNSUPPORTED, and no transcriber gives TRANSCRIPTION_UNSUPPORTED', async () => {
    const post = async (bytes: Uint8Array) => (await (await plain.http.fetch('http://localhost/uploads', {
      method: 'POST', headers: { authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': '8100010' }, body: bytes as Uint8Array<ArrayBuffer>,
    })).json() as any).media.id as string;
    const photo = await post(await fakeJpeg());
    expect((await plain.gql(EDIT, { id: photo, instruction: 'brighter' }, { as: '8100010' })).data.editImage).toMatchObject({ reason: 'EDIT_UNSUPPORTED' });
    const voice = await post(fakeOggVoice());
    expect((await plain.gql(TRANSCRIBE, { id: voice }, { as: '8100010' })).data.transcribe).toMatchObject({ reason: 'TRANSCRIPTION_UNSUPPORTED' });
    const streamed = await plain.http.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${BOT_TOKEN}`, 'x-telegram-user-id': '8100010' },
      body: JSON.stringify({ query: ASK, variables: { input: { prompt: 'what is it?', imageId: photo } } }),
    });
    expect(await streamed.text()).toContain('VISION_UNSUPPORTED');
    expect(openai.requests).toHaveLength(0);
  });
});
