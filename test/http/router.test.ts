import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRouter, route } from '../../src/http/router.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

test('one port answers GraphQL, liveness and a 404 for anything it does not serve', async () => {
  expect((await app.http.fetch('http://localhost/health')).status).toBe(200);
  const unknown = await app.http.fetch('http://localhost/nope');
  expect(unknown.status).toBe(404);
  expect(await unknown.text()).toBe('');
  expect((await app.gql('{ health { ok } }')).data).toEqual({ health: { ok: true } });
});

test('a route that throws answers 500 without its stack trace, and the error is logged', async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void lines.push(line) } as never });
  const router = createRouter({ logger, plugins: [], routes: [route('broken', '/broken', () => { throw new Error('secret detail at /srv/app.ts:1'); })] });
  const response = await router.fetch('http://localhost/broken');
  expect(response.status).toBe(500);
  expect(await response.text()).not.toContain('secret detail');
  expect(lines.join('')).toContain('"route":"broken"');
});
