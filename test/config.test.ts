import { readFileSync } from 'node:fs';
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
      database: { driver: 'sqlite', path: './data/atelier.sqlite', cacheMib: 64 },
      providers: { image: [{ kind: 'procedural' }], video: [{ kind: 'procedural' }], text: [] },
    });
  });

  test.each([
    ['postgres://u@db:5432/atelier', { driver: 'postgresql', url: 'postgres://u@db:5432/atelier' }],
    ['postgresql://u@db/atelier', { driver: 'postgresql', url: 'postgresql://u@db/atelier' }],
    ['sqlite:/var/lib/atelier/a.db', { driver: 'sqlite', path: '/var/lib/atelier/a.db', cacheMib: 64 }],
    ['file:./x.sqlite', { driver: 'sqlite', path: './x.sqlite', cacheMib: 64 }],
  ])('DATABASE_URL=%s selects the driver', (url, database) => {
    expect(parseConfig({ DATABASE_URL: url }).database).toEqual(database);
  });

  test('SQLITE_CACHE_MIB sizes the SQLite page cache, within 1–1024 MiB, and only on SQLite', () => {
    expect(parseConfig({ SQLITE_CACHE_MIB: '8' }).database).toEqual({ driver: 'sqlite', path: './data/atelier.sqlite', cacheMib: 8 });
    expect(problems({ SQLITE_CACHE_MIB: '0' }).map((problem) => problem.split(':')[0])).toEqual(['SQLITE_CACHE_MIB']);
    expect(problems({ SQLITE_CACHE_MIB: '2048' }).map((problem) => problem.split(':')[0])).toEqual(['SQLITE_CACHE_MIB']);
    expect(problems({ SQLITE_CACHE_MIB: '8', DATABASE_URL: 'postgres://u@db/atelier' })).toEqual(['SQLITE_CACHE_MIB: only applies to SQLite']);
  });

  test('job schedules are checked at start, with every other problem, though the scheduler loads on first use', () => {
    expect(parseConfig({ RETENTION_CRON: '0 */2 * * *', BACKUP_CRON: '0 30 3 * * MON-FRI' }).jobs.schedules).toMatchObject({ retention: '0 */2 * * *', backup: '0 30 3 * * MON-FRI' });
    expect(problems({ RETENTION_CRON: 'every 15 minutes', ROLLUP_CRON: '5 * * *', BACKUP_CRON: '30 3 * * * * *' }).map((problem) => problem.split(':')[0]))
      .toEqual(['RETENTION_CRON', 'ROLLUP_CRON', 'BACKUP_CRON']);
  });

  test('reports every problem at once, each naming its variable', () => {
    const found = problems({ PORT: 'eighty', LOG_LEVEL: 'loud', IMAGE_PROVIDER: 'dalle', DATABASE_URL: 'mysql://x', GRAPHIQL: 'maybe' });
    expect(found.map((problem) => problem.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'IMAGE_PROVIDER', 'GRAPHIQL']));
    expect(found.length).toBeGreaterThanOrEqual(4);
  });

  test('IMAGE_PROVIDER is a fallback chain of known providers, each with its own settings', () => {
    const config = parseConfig({ IMAGE_PROVIDER: ' pollinations , procedural', POLLINATIONS_SIZE: '768x512' });
    expect(config.providers.image).toEqual([
      { kind: 'pollinations', baseUrl: 'https://image.pollinations.ai/prompt/', apiKey: undefined, model: 'flux', width: 768, height: 512, safe: true },
      { kind: 'procedural' },
    ]);
    // Pollinations without a key serves one request at a time per IP.
    expect(config.generation.concurrency.image).toBe(1);
    expect(problems({ IMAGE_PROVIDER: 'pollinations,dalle' })).toEqual([expect.stringMatching(/^IMAGE_PROVIDER: must be a comma-separated list of: procedural, openai/)]);
    expect(problems({ IMAGE_PROVIDER: 'pollinations,pollinations' })).toEqual(['IMAGE_PROVIDER: names a provider twice']);
    expect(problems({ IMAGE_PROVIDER: 'pollinations,sdwebui' })).toEqual(['SDWEBUI_URL: required when IMAGE_PROVIDER includes sdwebui']);
    expect(problems({ IMAGE_PROVIDER: 'huggingface,stability' }).map((problem) => problem.split(':')[0])).toEqual(['HUGGINGFACE_API_TOKEN', 'STABILITY_API_KEY']);
    expect(problems({ VIDEO_PROVIDER: 'fal' })).toEqual(['FAL_KEY: required when IMAGE_PROVIDER or VIDEO_PROVIDER includes fal']);
    expect(problems({ VIDEO_PROVIDER: 'replicate,procedural' })).toEqual(['REPLICATE_API_TOKEN: required when IMAGE_PROVIDER or VIDEO_PROVIDER includes replicate']);
    expect(parseConfig({ VIDEO_PROVIDER: 'replicate,procedural', REPLICATE_API_TOKEN: 'r8_x' }).providers.video).toEqual([
      { kind: 'replicate', baseUrl: 'https://api.replicate.com/v1', apiToken: 'r8_x', model: 'minimax/video-01' }, { kind: 'procedural' },
    ]);
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
    expect(config.providers.image).toEqual([{ kind: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', apiKey: undefined, model: 'dall-e-3', size: '1024x1024' }]);
    expect(config.providers.text).toMatchObject([{ kind: 'openai', model: 'gpt-4o-mini' }]);
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

describe('production refuses weak credentials and open defaults', () => {
  // Distinct, random-looking values: the baseline every case below spoils one way.
  const strong = {
    NODE_ENV: 'production',
    PSEUDONYM_SECRET: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    MEDIA_URL_SECRET: '60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752',
    BOT_API_TOKEN: 'fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5',
    ADMIN_API_TOKEN: 'a4e624d686e03ed2767c0abd85c14426b0b1157d2ce81d27',
    BACKUP_ENCRYPTION_KEY: 'c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2',
  };

  test('backups: production on SQLite refuses to start without BACKUP_ENCRYPTION_KEY, naming it; PostgreSQL does not need it', () => {
    const { BACKUP_ENCRYPTION_KEY: _key, ...withoutKey } = strong;
    expect(problems(withoutKey)).toEqual([expect.stringMatching(/^BACKUP_ENCRYPTION_KEY: required in production/)]);
    expect(problems({ ...withoutKey, DATABASE_URL: 'postgres://u@db/atelier' })).toEqual([]);
    expect(problems({ ...withoutKey, NODE_ENV: 'development' })).toEqual([]);
    expect(problems({ ...strong, BACKUP_ENCRYPTION_KEY: 'k3y-9f2a' })).toEqual([expect.stringMatching(/^BACKUP_ENCRYPTION_KEY: must be at least 32/)]);
    expect(problems({ ...strong, BACKUP_ENCRYPTION_KEY: strong.PSEUDONYM_SECRET })).toEqual(['BACKUP_ENCRYPTION_KEY: reuses the value of PSEUDONYM_SECRET; every secret and token needs its own']);
    expect(parseConfig(strong).jobs.backupEncryptionKey).toBe(strong.BACKUP_ENCRYPTION_KEY);
  });

  test('a strong production setup passes, with every browser-facing opening closed and k = 5', () => {
    const config = parseConfig(strong);
    expect(config.graphql).toMatchObject({ graphiql: false, introspection: false, formPosts: false, corsOrigins: [] });
    expect(config.analytics.k).toBe(5);
    expect(config.telemetry.metricsOnApiPort).toBe(true);
    expect(parseConfig({ ...strong, METRICS_PORT: '9464' }).telemetry).toMatchObject({ metricsPort: 9464, metricsOnApiPort: false });
  });

  test('outside production the openings keep their old defaults', () => {
    expect(parseConfig({}).graphql).toMatchObject({ graphiql: true, introspection: true, formPosts: true, corsOrigins: [] });
    expect(parseConfig({ METRICS_PORT: '9464' }).telemetry.metricsOnApiPort).toBe(true);
    expect(parseConfig({}).analytics.k).toBe(3);
  });

  test('each opening is a setting', () => {
    const opened = parseConfig({ ...strong, GRAPHIQL: 'true', INTROSPECTION: 'true', GRAPHQL_FORM_POSTS: 'true', CORS_ORIGINS: 'https://app.example.com, http://localhost:5173', METRICS_PORT: '9464', METRICS_ON_API_PORT: 'true' });
    expect(opened.graphql).toMatchObject({ graphiql: true, introspection: true, formPosts: true, corsOrigins: ['https://app.example.com', 'http://localhost:5173'] });
    expect(opened.telemetry.metricsOnApiPort).toBe(true);
    expect(parseConfig({ GRAPHIQL: 'false', INTROSPECTION: 'no' }).graphql).toMatchObject({ graphiql: false, introspection: false });
    expect(parseConfig({ CORS_ORIGINS: '*' }).graphql.corsOrigins).toEqual(['*']);
  });

  test('CORS_ORIGINS takes only origins', () => {
    for (const bad of ['https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'null', 'ftp://x.example']) {
      expect(problems({ CORS_ORIGINS: bad }), bad).toEqual([expect.stringMatching(/^CORS_ORIGINS: each entry must be \* or an origin/)]);
    }
  });

  test.each([
    ["the README's sample token", { BOT_API_TOKEN: 'change-me-to-a-long-random-token' }, 'BOT_API_TOKEN', /sample or placeholder/],
    ['a placeholder', { JWT_SECRET: 'replace-me-with-a-real-secret-value-0123' }, 'JWT_SECRET', /sample or placeholder/],
    ["the compose file's MinIO password", { MEDIA_STORE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'atelier', S3_SECRET_ACCESS_KEY: 'atelier-dev-only' }, 'S3_SECRET_ACCESS_KEY', /sample or placeholder/],
    ['32 repeated characters', { PSEUDONYM_SECRET: 'a'.repeat(32) }, 'PSEUDONYM_SECRET', /too predictable/],
    ['a short pattern repeated', { MEDIA_URL_SECRET: '0123456789'.repeat(4) }, 'MEDIA_URL_SECRET', /too predictable/],
    ['a run of the alphabet', { PAYMENT_WEBHOOK_SECRET: 'abcdefghijklmnopqrstuvwxyz012345' }, 'PAYMENT_WEBHOOK_SECRET', /too predictable/],
    ['very few distinct characters', { ADMIN_API_TOKEN: 'abbaabababbbaabbbabaaabbbaababab' }, 'ADMIN_API_TOKEN', /too predictable/],
    ['ANALYTICS_K=1', { ANALYTICS_K: '1' }, 'ANALYTICS_K', /at least 5 in production/],
    ["a provider key left as the example's placeholder", { IMAGE_PROVIDER: 'replicate', REPLICATE_API_TOKEN: 'r8_change-me' }, 'REPLICATE_API_TOKEN', /sample or placeholder/],
  ])('%s is refused, naming the variable and not the value', (_name, spoil, variable, message) => {
    const env = { ...strong, ...spoil };
    const found = problems(env);
    expect(found).toEqual([expect.stringMatching(new RegExp(`^${variable}: `))]);
    expect(found[0]).toMatch(message);
    const value = (spoil as Record<string, string>)[variable]!;
    if (variable !== 'ANALYTICS_K') expect(found[0]).not.toContain(value);
    // The same values are development's business.
    expect(problems({ ...env, NODE_ENV: 'development' })).toEqual([]);
  });

  test('one value reused for every secret is refused, for each variable that reuses it', () => {
    const one = strong.PSEUDONYM_SECRET;
    const found = problems({ ...strong, MEDIA_URL_SECRET: one, BOT_API_TOKEN: one, ADMIN_API_TOKEN: one, JWT_SECRET: one, PAYMENT_WEBHOOK_SECRET: one });
    expect(found).toEqual(expect.arrayContaining([
      'MEDIA_URL_SECRET: reuses the value of PSEUDONYM_SECRET; every secret and token needs its own',
      'BOT_API_TOKEN: reuses the value of PSEUDONYM_SECRET; every secret and token needs its own',
      'ADMIN_API_TOKEN: reuses the value of PSEUDONYM_SECRET; every secret and token needs its own',
      'JWT_SECRET: reuses the value of PSEUDONYM_SECRET; every secret and token needs its own',
      'PAYMENT_WEBHOOK_SECRET: reuses the value of PSEUDONYM_SECRET; every secret and token needs its own',
      'ADMIN_API_TOKEN: must differ from BOT_API_TOKEN',
    ]));
    expect(found.join('\n')).not.toContain(one);
  });

  test('every production problem is reported at once (a reuse is reported on the later variable)', () => {
    const found = problems({ ...strong, BOT_API_TOKEN: 'change-me-to-a-long-random-token', PSEUDONYM_SECRET: 'x'.repeat(32), MEDIA_URL_SECRET: strong.ADMIN_API_TOKEN, ANALYTICS_K: '2', PORT: 'x' });
    expect(found.map((problem) => problem.split(':')[0]).sort()).toEqual(['ADMIN_API_TOKEN', 'ANALYTICS_K', 'BOT_API_TOKEN', 'PORT', 'PSEUDONYM_SECRET']);
  });
});

describe('empty values mean unset', () => {
  test('an empty OTEL_EXPORTER_OTLP_ENDPOINT or METRICS_PORT does not stop start-up', () => {
    const config = parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', METRICS_PORT: '', GRAPHIQL: '', CORS_ORIGINS: '' });
    expect(config.telemetry).toMatchObject({ otlpEndpoint: undefined, metricsPort: undefined, metricsOnApiPort: true });
    expect(config.graphql).toMatchObject({ graphiql: true, corsOrigins: [] });
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT:/)]);
  });
});

describe('JWT settings', () => {
  test('a one-hour maximum lifetime by default; JWT_NOT_BEFORE is an instant', () => {
    const secret = { JWT_SECRET: 'b7e23ec29af22b0b4e41da31e868d57226121c84' };
    expect(parseConfig(secret).jwt).toMatchObject({ maxLifetimeSeconds: 3600, notBefore: undefined });
    const tuned = parseConfig({ ...secret, JWT_MAX_LIFETIME_SECONDS: '600', JWT_NOT_BEFORE: '2026-02-01T12:00:00Z' }).jwt;
    expect(tuned).toMatchObject({ maxLifetimeSeconds: 600, notBefore: new Date('2026-02-01T12:00:00Z') });
    expect(problems({ ...secret, JWT_MAX_LIFETIME_SECONDS: '31536000', JWT_NOT_BEFORE: 'yesterday' }).map((problem) => problem.split(':')[0]).sort())
      .toEqual(['JWT_MAX_LIFETIME_SECONDS', 'JWT_NOT_BEFORE']);
  });
});

test('the settings of issue 13 are documented in the README table and in .env.example', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  for (const name of ['INTROSPECTION', 'GRAPHQL_FORM_POSTS', 'CORS_ORIGINS', 'METRICS_ON_API_PORT', 'JWT_MAX_LIFETIME_SECONDS', 'JWT_NOT_BEFORE', 'PROMPT_RETENTION_HOURS', 'IDLE_USER_RETENTION_DAYS', 'BACKUP_ENCRYPTION_KEY']) {
    expect(readme, name).toContain(`| \`${name}\` |`);
    expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  }
});

test('the provider settings of issue 15 are documented in the README table and in .env.example', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  for (const name of PROVIDER_SETTINGS_15) {
    expect(readme, name).toContain(`| \`${name}\` |`);
    expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  }
});

const PROVIDER_SETTINGS_15 = [
  'VIDEO_PROVIDER', 'POLLINATIONS_URL', 'POLLINATIONS_API_KEY', 'POLLINATIONS_MODEL', 'POLLINATIONS_SIZE', 'POLLINATIONS_SAFE',
  'REPLICATE_BASE_URL', 'REPLICATE_API_TOKEN', 'REPLICATE_IMAGE_MODEL', 'REPLICATE_VIDEO_MODEL', 'PROVIDER_POLL_MS', 'PROVIDER_JOB_DEADLINE_MS',
  'HUGGINGFACE_BASE_URL', 'HUGGINGFACE_API_TOKEN', 'HUGGINGFACE_MODEL', 'STABILITY_BASE_URL', 'STABILITY_API_KEY', 'STABILITY_MODEL',
  'POLLINATIONS_TEXT_URL', 'POLLINATIONS_TEXT_MODEL', 'TEXT_PROVIDER',
  'FAL_BASE_URL', 'FAL_KEY', 'FAL_IMAGE_MODEL', 'FAL_VIDEO_MODEL', 'OPENAI_VIDEO_MODEL', 'OPENAI_VIDEO_SECONDS', 'OPENAI_VIDEO_SIZE',
];
test('the abuse settings are documented, default closed, and 0 turns each off', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const names = ['AUTH_FAILURE_WINDOW_SECONDS', 'AUTH_FAILURE_LIMIT', 'TRUST_PROXY_HOPS', 'TOKEN_NEW_USERS_PER_MINUTE', 'TOKEN_MAX_ACTIVE_GENERATIONS', 'TOKEN_DAILY_COST_USD'];
  for (const name of names) {
    expect(readme, name).toContain(`| \`${name}\` |`);
    expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  }
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/atelier-config-test' };
  expect(parseConfig(base).abuse).toEqual({
    failureWindowSeconds: 60, failureLimit: 20, trustProxyHops: 0, tokenNewUsersPerMinute: 60, tokenMaxActiveGenerations: 50, tokenDailyCostUsd: 50,
  });
  const off = parseConfig({ ...base, AUTH_FAILURE_LIMIT: '0', TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0' }).abuse;
  expect([off.failureLimit, off.tokenNewUsersPerMinute, off.tokenMaxActiveGenerations, off.tokenDailyCostUsd]).toEqual([0, 0, 0, 0]);
  expect(() => parseConfig({ ...base, AUTH_FAILURE_LIMIT: '-1' })).toThrow(/AUTH_FAILURE_LIMIT/);
});

test('the media input settings of issue 16 are documented, default closed, and bounded', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  for (const name of ['TRANSCRIPTION_PROVIDER', 'OPENAI_TRANSCRIPTION_MODEL', 'MEDIA_UPLOAD_MAX_BYTES', 'SPEECH_PROVIDER', 'OPENAI_SPEECH_MODEL', 'OPENAI_SPEECH_VOICE']) {
    expect(readme, name).toContain(`| \`${name}\` |`);
    expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  }
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/atelier-config-test' };
  const defaults = parseConfig(base);
  expect(defaults.providers.transcription).toBeUndefined();
  expect(defaults.providers.speech).toBeUndefined();
  expect(defaults.media.uploadMaxBytes).toBe(10 * 1_048_576);
  expect(parseConfig({ ...base, TRANSCRIPTION_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).providers.transcription).toMatchObject({ kind: 'openai', model: 'gpt-4o-mini-transcribe' });
  expect(() => parseConfig({ ...base, MEDIA_UPLOAD_MAX_BYTES: String(21 * 1_048_576) })).toThrow(/MEDIA_UPLOAD_MAX_BYTES/);
  expect(() => parseConfig({ ...base, NODE_ENV: 'development', TRANSCRIPTION_PROVIDER: 'openai' })).toThrow(/OPENAI_API_KEY/);
});
