import { describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

function problems(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  test('an empty environment gives a working development setup on SQLite', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      env: 'development', port: 4000, publicUrl: 'http://localhost:4000',
      database: { driver: 'sqlite', path: './data/atelier.sqlite' },
      providers: { image: { kind: 'procedural' }, video: { kind: 'procedural' }, text: { kind: 'none' } },
    });
  });

  test.each([
    ['postgres://u@db:5432/atelier', { driver: 'postgresql', url: 'postgres://u@db:5432/atelier' }],
    ['postgresql://u@db/atelier', { driver: 'postgresql', url: 'postgresql://u@db/atelier' }],
    ['sqlite:/var/lib/atelier/a.db', { driver: 'sqlite', path: '/var/lib/atelier/a.db' }],
    ['file:./x.sqlite', { driver: 'sqlite', path: './x.sqlite' }],
  ])('DATABASE_URL=%s selects the driver', (url, database) => {
    expect(parseConfig({ DATABASE_URL: url }).database).toEqual(database);
  });

  test('reports every problem at once, each naming its variable', () => {
    const found = problems({ PORT: 'eighty', LOG_LEVEL: 'loud', IMAGE_PROVIDER: 'dalle', DATABASE_URL: 'mysql://x', GRAPHIQL: 'maybe' });
    expect(found.map((problem) => problem.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'IMAGE_PROVIDER', 'GRAPHIQL']));
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  test('cross-field rules are reported together too', () => {
    const found = problems({ NODE_ENV: 'production', IMAGE_PROVIDER: 'sdwebui', TEXT_PROVIDER: 'openai', DATABASE_URL: 'mysql://x' });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^DATABASE_URL:/), expect.stringMatching(/^PSEUDONYM_SECRET: required/), expect.stringMatching(/^MEDIA_URL_SECRET: required/),
      expect.stringMatching(/^SDWEBUI_URL: required/), expect.stringMatching(/^OPENAI_API_KEY: required/),
    ]));
  });

  test('type errors and cross-field rules are reported in the same breath', () => {
    const found = problems({ NODE_ENV: 'production', PORT: 'x', BOT_API_TOKEN: 'same-token-for-both-0123456789', ADMIN_API_TOKEN: 'same-token-for-both-0123456789' });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(/^PORT:/), expect.stringMatching(/^PSEUDONYM_SECRET: required/), expect.stringMatching(/^ADMIN_API_TOKEN: must differ/),
    ]));
  });

  test('secrets are never echoed in errors', () => {
    const secret = 'short-secret-value';
    const error = (() => {
      try {
        parseConfig({ PSEUDONYM_SECRET: secret, BOT_API_TOKEN: 'tiny', OPENAI_BASE_URL: 'not a url' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^PSEUDONYM_SECRET:/), expect.stringMatching(/^BOT_API_TOKEN:/), expect.stringMatching(/^OPENAI_BASE_URL:/)]));
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('tiny');
  });

  test('provider deadline and breaker have defaults and can be set', () => {
    expect(parseConfig({}).providers).toMatchObject({
      http: { timeoutMs: 60_000, maxRetries: 2, deadlineMs: 90_000 },
      breaker: { failureThreshold: 5, openMs: 30_000 },
    });
    const tuned = parseConfig({ PROVIDER_TIMEOUT_MS: '300', PROVIDER_DEADLINE_MS: '900', PROVIDER_BREAKER_FAILURES: '3', PROVIDER_BREAKER_OPEN_MS: '250' });
    expect(tuned.providers).toMatchObject({ http: { timeoutMs: 300, deadlineMs: 900 }, breaker: { failureThreshold: 3, openMs: 250 } });
    // Raising only the per-attempt timeout keeps one whole attempt inside the default deadline.
    expect(parseConfig({ PROVIDER_TIMEOUT_MS: '120000' }).providers.http.deadlineMs).toBe(120_000);
  });

  test('a provider deadline shorter than one attempt is refused with a clear error', () => {
    expect(problems({ PROVIDER_TIMEOUT_MS: '5000', PROVIDER_DEADLINE_MS: '1000' })).toEqual([
      'PROVIDER_DEADLINE_MS: must be at least PROVIDER_TIMEOUT_MS (5000 ms), or not even one attempt fits in it',
    ]);
    expect(problems({ PROVIDER_DEADLINE_MS: '30000' })).toEqual([expect.stringMatching(/^PROVIDER_DEADLINE_MS: must be at least PROVIDER_TIMEOUT_MS \(60000 ms\)/)]);
    expect(problems({ PROVIDER_DEADLINE_MS: 'soon', PROVIDER_BREAKER_FAILURES: '0', PROVIDER_BREAKER_OPEN_MS: '-1' }).map((problem) => problem.split(':')[0]))
      .toEqual(expect.arrayContaining(['PROVIDER_DEADLINE_MS', 'PROVIDER_BREAKER_FAILURES', 'PROVIDER_BREAKER_OPEN_MS']));
  });

  test('provider modes carry exactly their own settings', () => {
    const config = parseConfig({ IMAGE_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1', OPENAI_IMAGE_MODEL: 'dall-e-3', TEXT_PROVIDER: 'openai' });
    expect(config.providers.image).toEqual({ kind: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', apiKey: undefined, model: 'dall-e-3', size: '1024x1024' });
    expect(config.providers.text).toMatchObject({ kind: 'openai', model: 'gpt-4o-mini' });
  });

  test('batching is off and bodies are capped at 1 MiB unless configured', () => {
    expect(parseConfig({}).graphql).toMatchObject({ maxBatch: 0, maxBodyBytes: 1_048_576 });
    expect(parseConfig({ GRAPHQL_MAX_BATCH: '5', GRAPHQL_MAX_BODY_BYTES: '65536' }).graphql).toMatchObject({ maxBatch: 5, maxBodyBytes: 65_536 });
  });

  test('out-of-range batch and body limits are refused, each naming its variable', () => {
    expect(problems({ GRAPHQL_MAX_BATCH: '-1', GRAPHQL_MAX_BODY_BYTES: '100' }).map((problem) => problem.split(':')[0]).sort()).toEqual(['GRAPHQL_MAX_BATCH', 'GRAPHQL_MAX_BODY_BYTES']);
    expect(problems({ GRAPHQL_MAX_BATCH: '101', GRAPHQL_MAX_BODY_BYTES: 'lots' }).map((problem) => problem.split(':')[0]).sort()).toEqual(['GRAPHQL_MAX_BATCH', 'GRAPHQL_MAX_BODY_BYTES']);
  });
});
