/**
 * The GraphiQL page without a browser: it references only assets this API serves, the assets
 * are there (gzipped when asked), and every example tab is a valid operation that answers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exampleTabs } from '../../src/graphql/example-query.ts';
import { GRAPHIQL_ASSET_BASE, GRAPHIQL_ASSETS } from '../../src/graphql/graphiql-assets.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
});
afterAll(async () => app?.close());

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => app.http.fetch(`http://localhost${path}`, { method, headers });

describe('the GraphiQL page', () => {
  test('is served to browsers at /graphql and names no other host', async () => {
    const response = await get('/graphql', { accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(`${GRAPHIQL_ASSET_BASE}yoga-graphiql.umd.js`);
    expect(html).toContain(`${GRAPHIQL_ASSET_BASE}graphiql.css`);
    expect(html).not.toMatch(/https?:\/\//);
    // The options are inline JSON: the example queries are in it, and nothing can close the script early.
    expect(html).toContain('TopPromptsThisWeek');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  test('its assets are served with long caching, gzipped on request; anything else under /graphiql/ is a 404', async () => {
    for (const [name, type] of Object.entries(GRAPHIQL_ASSETS)) {
      const plain = await get(`${GRAPHIQL_ASSET_BASE}${name}`);
      expect(plain.status, name).toBe(200);
      expect(plain.headers.get('content-type')).toBe(type);
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const bytes = new Uint8Array(await plain.arrayBuffer());
      expect(bytes.byteLength).toBeGreaterThan(1000);
      const gzipped = await get(`${GRAPHIQL_ASSET_BASE}${name}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(bytes.byteLength);
    }
    const head = await get(`${GRAPHIQL_ASSET_BASE}graphiql.css`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (const path of ['/graphiql/', `${GRAPHIQL_ASSET_BASE}package.json`, `${GRAPHIQL_ASSET_BASE}../../package.json`, `${GRAPHIQL_ASSET_BASE}%2e%2e/%2e%2e/package.json`, '/graphiql/0.0.1/graphiql.css']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  test('every example tab is valid and answers: the overview anonymously, the analytics ones an admin', async () => {
    const tabs = exampleTabs(new Date('2026-03-10T12:00:00Z'));
    expect(tabs).toHaveLength(4);
    for (const tab of tabs.slice(1)) {
      const variables = JSON.parse(tab.variables!) as { range: { from: string; to: string } };
      expect(variables.range).toEqual({ from: '2026-03-04', to: '2026-03-10' });
      const answer = await app.gql(tab.query, variables, { token: ADMIN_TOKEN, as: null });
      expect(answer.errors, tab.query.slice(0, 60)).toBeUndefined();
      expect(answer.data.analytics.__typename).toBe('Analytics');
    }
    // The whole document is validated before the chosen operation runs: this checks Imagine too.
    const response = await app.http.fetch('http://localhost/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: tabs[0]!.query, operationName: 'Overview' }),
    });
    const overview = (await response.json()) as { data?: { health: { ok: boolean } }; errors?: unknown };
    expect(overview.errors).toBeUndefined();
    expect(overview.data?.health.ok).toBe(true);
  });
});
