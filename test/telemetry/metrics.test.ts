import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STYLES } from '../../src/generation/styles.ts';
import { THEMES } from '../../src/generation/themes.ts';
import { createMetrics, GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_BUCKETS } from '../../src/telemetry/metrics.ts';
import { GENERATE } from '../helpers/documents.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { json, startFakeOpenAi } from '../helpers/fake-openai.ts';

let app: TestApp;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  app = await createTestApp({ env: { TEXT_PROVIDER: 'openai', OPENAI_BASE_URL: openai.baseUrl, OPENAI_TEXT_MODEL: 'gpt-4o-mini', PROVIDER_MAX_RETRIES: '0' } });
});
afterAll(async () => {
  await app?.close();
  await openai?.close();
});

async function scrape(): Promise<string> {
  const response = await app.http.fetch('http://localhost/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

function series(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('/metrics', () => {
  test('counts generations by kind, style, theme and status, with GenAI histograms', async () => {
    await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a dragon over a castle', style: 'anime' } });
    await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'capital of France?' } });
    const text = await scrape();
    expect(series(text, 'atelier_generations_total')).toEqual(expect.arrayContaining([
      'atelier_generations_total{kind="image",style="anime",theme="fantasy",status="succeeded"} 1',
      'atelier_generations_total{kind="text",style="none",theme="other",status="succeeded"} 1',
    ]));
    expect(text).toContain('gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",error_type=""} 1');
    expect(text).toContain('gen_ai_client_token_usage_sum{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input"} 25');
    for (const bound of GEN_AI_DURATION_BUCKETS) expect(text).toContain(`gen_ai_client_operation_duration_seconds_bucket{le="${bound}",gen_ai_operation_name="generate_content"`);
    for (const bound of GEN_AI_TOKEN_BUCKETS) expect(text).toContain(`gen_ai_client_token_usage_bucket{le="${bound}",`);
    expect(text).toMatch(/^atelier_generation_cost_usd_total\{kind="text",provider="openai"\} [0-9.e-]+$/m);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain('graphql_http_request_duration_seconds_bucket{le="0.005",method="POST",status_code="200",operation_type="mutation"}');
    expect(text).not.toMatch(/graphql_envelop_|operationName|operationType/);
  });

  test('provider failures carry error_type; ratings count as feedback', async () => {
    openai.respondWith((_request, response) => json(response, 503, { error: { message: 'down' } }));
    const failed = await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: 'again?' } });
    expect(failed.data.generate.__typename).toBe('ProviderUnavailable');
    openai.reset();
    const image = (await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: 'a cat', style: 'photo' } })).data.generate;
    await app.gql(`mutation($id: ID!) { rateGeneration(id: $id, rating: UP) { __typename } }`, { id: image.id });
    const text = await scrape();
    expect(text).toContain('error_type="provider_error"');
    expect(text).toContain('atelier_feedback_total{kind="rating_up"} 1');
  });

  test('thousands of distinct prompts and styles keep the series count bounded', async () => {
    for (let index = 0; index < 300; index += 1) {
      await app.gql(GENERATE, { input: { kind: 'TEXT', prompt: `question ${index} about ${Math.random()}` } });
      await app.gql(GENERATE, { input: { kind: 'IMAGE', prompt: `x${index}`, style: `made-up-style-${index}` } });
    }
    const metrics = createMetrics({ defaultMetrics: false, knownModels: ['gpt-4o-mini'] });
    for (let index = 0; index < 5000; index += 1) {
      metrics.observeGeneration({
        kind: `kind-${index}`, style: `style-${index}`, theme: `theme-${index}`, status: `status-${index}`, provider: `provider-${index}`,
        model: `model-${index}`, operation: 'chat', durationSeconds: 0.1, errorType: `error-${index}`, inputTokens: index, outputTokens: index, costUsd: 0.001,
      });
      metrics.observeFeedback(`kind-${index}` as never);
    }
    const direct = await metrics.registry.metrics();
    expect(series(direct, 'atelier_generations_total')).toHaveLength(1);
    expect(series(direct, 'gen_ai_client_operation_duration_seconds_count')).toHaveLength(1);
    expect(direct).toContain('style="other"');
    expect(direct).not.toContain('style-');

    const text = await scrape();
    const generations = series(text, 'atelier_generations_total');
    const maxSeries = 3 * (STYLES.length + 2) * THEMES.length * 4;
    expect(generations.length).toBeGreaterThan(1);
    expect(generations.length).toBeLessThan(40);
    expect(generations.length).toBeLessThanOrEqual(maxSeries);
    expect(text).not.toMatch(/made-up-style|question \d/);
    const allSeries = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(allSeries.length).toBeLessThan(2000);
  });
});
