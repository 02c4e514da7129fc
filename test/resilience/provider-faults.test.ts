/**
 * Provider faults through the real GraphQL API: an OpenAI-compatible fake that hangs, fails in
 * bursts, resets connections or sends garbage. Every fault must come back as the typed
 * ProviderUnavailable member within the configured deadline, leave a failed row and give the
 * quota back; a provider that keeps failing trips its circuit breaker, which spares it further
 * requests, recovers through a probe, and touches nothing but that one provider.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createProviders } from '../../src/generation/provider-registry.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { GENERATE } from '../helpers/documents.ts';
import { defaultResponder, startFakeOpenAi, type Responder } from '../helpers/fake-openai.ts';
import {
  CHAT_PATH, IMAGE_PATH, failTimes, garbage, hang, htmlErrorPage, onPath, resetBeforeResponse, resetMidResponse, slowDrip, type Garbage,
} from '../helpers/faulty-openai.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Fake = Awaited<ReturnType<typeof startFakeOpenAi>>;

const USER = '1000001';
const SECRET_PROMPT = 'a lighthouse for carol@example.org in a storm';

function providerEnv(fake: Fake, extra: Record<string, string>): Record<string, string> {
  return {
    IMAGE_PROVIDER: 'openai', TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test-key-000',
    OPENAI_IMAGE_MODEL: 'gpt-image-1', OPENAI_TEXT_MODEL: 'gpt-4o-mini', ...extra,
  };
}

async function lastRow(app: TestApp, kind: string) {
  const rows = await app.orm.em.fork().getConnection().execute('select * from generations where kind = ? order by id desc limit 1', [kind]);
  return rows[0];
}

async function usage(app: TestApp) {
  const rows = await app.orm.em.fork().getConnection().execute('select images, texts, failures from daily_usage where user_id = ?', [app.services.pseudonymize(USER)]);
  return { images: Number(rows[0]?.images ?? 0), texts: Number(rows[0]?.texts ?? 0), failures: Number(rows[0]?.failures ?? 0) };
}

async function generate(app: TestApp, kind: 'IMAGE' | 'TEXT' | 'VIDEO', prompt = SECRET_PROMPT) {
  const started = performance.now();
  const { data, errors } = await app.gql(GENERATE, { input: { kind, prompt, ...(kind === 'TEXT' ? {} : { style: 'photo' }) } }, { as: USER });
  expect(errors).toBeUndefined();
  return { result: data.generate, ms: performance.now() - started };
}

describe('each provider fault is a typed failure within the deadline', () => {
  // Per attempt 2.5 s, one retry, but 2.6 s for the whole call: without the deadline a hang takes over 5 s.
  const DEADLINE_MS = 2_600;
  // Room for the database work around the call on a loaded machine; still below the 5 s a missing deadline costs.
  const SLACK_MS = 2_000;
  let fake: Fake;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    app = await createTestApp({
      env: providerEnv(fake, {
        PROVIDER_TIMEOUT_MS: '2500', PROVIDER_MAX_RETRIES: '1', PROVIDER_DEADLINE_MS: String(DEADLINE_MS),
        // These tests are about single faults; the breaker has its own block below.
        PROVIDER_BREAKER_FAILURES: '1000',
      }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function expectFailure(kind: 'IMAGE' | 'TEXT', fault: Responder, cause: string, attempts?: number) {
    fake.respondWith(fault);
    const before = await usage(app);
    const { result, ms } = await generate(app, kind);
    expect(result).toMatchObject({ __typename: 'ProviderUnavailable', cause });
    expect(result.message).not.toContain('carol');
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    if (attempts !== undefined) expect(fake.requests).toHaveLength(attempts);
    expect(await lastRow(app, kind.toLowerCase())).toMatchObject({ status: 'failed', error_class: cause.toLowerCase(), provider: 'openai' });
    // The failed request does not use up the day's quota.
    const after = await usage(app);
    expect(after).toEqual({ ...before, failures: before.failures + 1 });
  }

  test('a provider that never answers: provider_timeout at the deadline, not after every retry', async () => {
    await expectFailure('IMAGE', hang, 'PROVIDER_TIMEOUT');
  });

  test('a body dripped slower than the deadline: provider_timeout', async () => {
    await expectFailure('TEXT', slowDrip(100), 'PROVIDER_TIMEOUT');
  });

  test('a 5xx burst longer than the retries: provider_error after every attempt', async () => {
    await expectFailure('IMAGE', failTimes(Infinity, { status: 503, retryAfter: '0' }), 'PROVIDER_ERROR', 2);
  });

  test('a 5xx burst shorter than the retries is absorbed: the user gets the result', async () => {
    fake.respondWith(failTimes(1, { status: 502, retryAfter: '0' }));
    const { result, ms } = await generate(app, 'IMAGE');
    expect(result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
    expect(ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(fake.requests).toHaveLength(2);
  });

  test('an HTML error page from a gateway: provider_error', async () => {
    await expectFailure('TEXT', htmlErrorPage(502), 'PROVIDER_ERROR', 2);
  });

  test('a connection reset in the middle of the body: provider_error', async () => {
    await expectFailure('IMAGE', resetMidResponse, 'PROVIDER_ERROR', 2);
  });

  test('a connection reset before any response: provider_error', async () => {
    await expectFailure('TEXT', resetBeforeResponse, 'PROVIDER_ERROR', 2);
  });

  test.each<[Garbage, 'IMAGE' | 'TEXT']>([
    ['not-json', 'IMAGE'], ['truncated-json', 'TEXT'], ['wrong-shape', 'IMAGE'], ['wrong-shape', 'TEXT'], ['html-200', 'IMAGE'], ['empty-200', 'TEXT'],
  ])('a 200 with a %s body (%s): malformed_response, not retried', async (kind, mediaKind) => {
    await expectFailure(mediaKind, garbage(kind), 'MALFORMED_RESPONSE', 1);
  });

  test('no fault left a prompt in the logs', () => {
    expect(app.logLines.join('\n')).not.toContain('carol');
  });
});

describe('circuit breaker', () => {
  const OPEN_MS = 30_000;
  const THRESHOLD = 3;
  let fake: Fake;
  let app: TestApp;
  // The breakers' clock: open stays open until a test moves it, however slow the machine is.
  let clock = 0;
  const breakerLog: string[] = [];

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    const env = providerEnv(fake, {
      PROVIDER_TIMEOUT_MS: '2000', PROVIDER_MAX_RETRIES: '1', PROVIDER_DEADLINE_MS: '3000',
      PROVIDER_BREAKER_FAILURES: String(THRESHOLD), PROVIDER_BREAKER_OPEN_MS: String(OPEN_MS),
    });
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        breakerLog.push(String(chunk));
        callback();
      },
    });
    // The providers the app would build from this env, with the breakers on the test's clock.
    const providers = createProviders(parseConfig(env).providers, {
      logger: createLogger({ level: 'info', destination }), metrics: () => app?.metrics, now: () => clock,
    });
    app = await createTestApp({ env, providers });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const imageDown = onPath(IMAGE_PATH, failTimes(Infinity, { status: 503, retryAfter: '0' }));
  const imageRequests = () => fake.requests.filter((request) => request.path === IMAGE_PATH).length;

  async function metricsText(): Promise<string> {
    return (await app.http.fetch('http://localhost/metrics')).text();
  }

  async function tripImageBreaker() {
    fake.respondWith(imageDown);
    for (let i = 0; i < THRESHOLD; i++) {
      const { result } = await generate(app, 'IMAGE');
      expect(result).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'PROVIDER_ERROR' });
    }
  }

  /** The call just after openMs has passed: the half-open probe. */
  async function probe(kind: 'IMAGE' | 'TEXT') {
    clock += 1;
    const requestsBefore = fake.requests.length;
    const { result } = await generate(app, kind);
    return { result, probeRequests: fake.requests.length - requestsBefore };
  }

  test('opens after the threshold: later calls fail at once with retryAfterSeconds and the provider sees nothing', async () => {
    fake.reset();
    await tripImageBreaker();
    expect(imageRequests()).toBe(THRESHOLD * 2);

    const before = await usage(app);
    for (const [waited, retryAfterSeconds] of [[0, 30], [20_000, 10], [9_999, 1]] as const) {
      clock += waited;
      const { result, ms } = await generate(app, 'IMAGE');
      expect(result).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'PROVIDER_UNAVAILABLE', retryAfterSeconds });
      // Failing at once: far below even one attempt's 2 s timeout.
      expect(ms).toBeLessThan(2_000);
    }
    expect(imageRequests()).toBe(THRESHOLD * 2);
    expect(await lastRow(app, 'image')).toMatchObject({ status: 'failed', error_class: 'provider_unavailable', provider: 'openai' });
    expect(await usage(app)).toEqual({ ...before, failures: before.failures + 3 });

    const exposition = await metricsText();
    expect(exposition).toMatch(/^atelier_provider_circuit_state\{provider="openai",kind="image"\} 2$/m);
    expect(exposition).not.toMatch(/^atelier_provider_circuit_state\{provider="openai",kind="text"\} [12]$/m);
    expect(exposition).toMatch(/^atelier_provider_circuit_rejections_total\{provider="openai",kind="image"\} 3$/m);
    const opened = breakerLog.find((line) => line.includes('provider circuit opened'));
    expect(JSON.parse(opened ?? '{}')).toMatchObject({ provider: 'openai', kind: 'image', to: 'open', consecutiveFailures: THRESHOLD, level: 40 });
    expect([...breakerLog, ...app.logLines].join('\n')).not.toContain('carol');
  });

  test('while the image breaker is open, text, video and health are untouched', async () => {
    expect((await generate(app, 'IMAGE')).result).toMatchObject({ cause: 'PROVIDER_UNAVAILABLE' });
    const text = await generate(app, 'TEXT', 'What is the capital of France?');
    expect(text.result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', text: 'Paris.' });
    expect(fake.requests.at(-1)?.path).toBe(CHAT_PATH);
    const video = await generate(app, 'VIDEO', 'waves on a beach');
    expect(video.result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED', provider: 'procedural' });
    const health = await app.gql(`{ health { ok database providers { image video text } } }`, {}, { token: null, as: null });
    expect(health.data.health).toEqual({ ok: true, database: true, providers: { image: 'openai', video: 'procedural', text: 'openai' } });
  });

  test('a failed probe re-opens it at once; a healthy probe closes it and requests succeed again', async () => {
    // Still failing: the probe goes through (with its retry), fails, and the circuit opens again.
    const failed = await probe('IMAGE');
    expect(failed.result).toMatchObject({ __typename: 'ProviderUnavailable', cause: 'PROVIDER_ERROR' });
    expect(failed.probeRequests).toBe(2);
    const requests = imageRequests();
    expect((await generate(app, 'IMAGE')).result).toMatchObject({ cause: 'PROVIDER_UNAVAILABLE', retryAfterSeconds: 30 });
    expect(imageRequests()).toBe(requests);

    fake.respondWith(defaultResponder);
    clock += OPEN_MS - 1;
    const recovered = await probe('IMAGE');
    expect(recovered.result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
    expect(recovered.probeRequests).toBe(1);
    for (let i = 0; i < 2; i++) expect((await generate(app, 'IMAGE')).result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
    expect(await metricsText()).toMatch(/^atelier_provider_circuit_state\{provider="openai",kind="image"\} 0$/m);
    expect(breakerLog.filter((line) => /"kind":"image"/.test(line)).map((line) => JSON.parse(line).to)).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  test('4xx refusals do not trip the breaker', async () => {
    fake.respondWith((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'rejected', type: 'invalid_request_error', code: 'content_policy_violation' } }));
    });
    for (let i = 0; i < THRESHOLD + 1; i++) {
      expect((await generate(app, 'IMAGE')).result).toMatchObject({ __typename: 'InvalidPrompt', reason: 'CONTENT_REFUSED' });
    }
    fake.respondWith(defaultResponder);
    expect((await generate(app, 'IMAGE')).result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
  });

  test('a failing text provider opens only the text breaker', async () => {
    fake.respondWith(onPath(CHAT_PATH, failTimes(Infinity, { status: 500, retryAfter: '0' })));
    for (let i = 0; i < THRESHOLD; i++) expect((await generate(app, 'TEXT')).result).toMatchObject({ cause: 'PROVIDER_ERROR' });
    expect((await generate(app, 'TEXT')).result).toMatchObject({ cause: 'PROVIDER_UNAVAILABLE', retryAfterSeconds: 30 });
    expect((await generate(app, 'IMAGE')).result).toMatchObject({ __typename: 'Generation', status: 'SUCCEEDED' });
    const exposition = await metricsText();
    expect(exposition).toMatch(/^atelier_provider_circuit_state\{provider="openai",kind="text"\} 2$/m);
    expect(exposition).toMatch(/^atelier_provider_circuit_state\{provider="openai",kind="image"\} 0$/m);
  });
});
