/**
 * GraphiQL as an operator meets it: headless Chromium opens the page the API serves, picks the
 * "top prompts this week" tab, adds the auth header, runs it and reads the answer in the result
 * pane. Every request the page makes must stay on the API's own origin (GraphiQL works offline).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GRAPHIQL_ASSET_BASE } from '../../src/graphql/graphiql-assets.ts';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { seedGeneration } from '../jobs/helpers/generations.ts';
import { seedGenerations, seedUsers } from '../export/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRE_BROWSER = process.env['ATELIER_REQUIRE_BROWSER'] === '1';
const available = existsSync(CHROMIUM);
if (!available && !REQUIRE_BROWSER) {
  console.warn(`\n[atelier] browser tests SKIPPED: ${CHROMIUM} is missing (Debian package "chromium"). Set ATELIER_REQUIRE_BROWSER=1 to make this an error.\n`);
}

const PROMPT = 'a lighthouse in a storm';
const USERS = ['7', '8', '9'].map((digit) => digit.repeat(64));

let app: TestApp;
let server: Server;
let baseUrl: string;
let browser: Browser | undefined;

describe.skipIf(!available && !REQUIRE_BROWSER)('GraphiQL in a real browser', () => {
  beforeAll(async () => {
    expect(available, `ATELIER_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`).toBe(true);
    app = await createTestApp({ env: { LOG_LEVEL: 'fatal' } });
    // Today's raw rows: three users sent the same prompt, so the group passes k = 3.
    await seedUsers(app, USERS);
    const now = Date.now();
    await seedGenerations(app, USERS.map((user, index) =>
      seedGeneration({ createdAt: new Date(now - (index + 1) * 1000), user, promptFingerprint: 'l'.repeat(32), promptRedacted: PROMPT })));
    server = createServer(app.http);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await app?.close();
  });

  /** What a Monaco editor shows, with its non-breaking spaces as plain ones. */
  const textOf = async (page: Page, selector: string) => (await page.locator(selector).innerText()).replaceAll('\u00a0', ' ');

  async function openGraphiql(): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const page = await browser!.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const response = await page.goto(`${baseUrl}/graphql`);
    expect(response?.status()).toBe(200);
    await page.getByRole('tab', { name: /TopPromptsThisWeek/ }).waitFor({ timeout: 30_000 });
    return { page, requests, problems };
  }

  test('opens offline with the example tabs, runs the top-prompts query with a token and shows the answer', async () => {
    const { page, requests, problems } = await openGraphiql();
    for (const name of ['Overview', 'TopPromptsThisWeek', 'ErrorBreakdown', 'CostPerDay']) {
      await expect(page.getByRole('tab', { name: new RegExp(name) }).count()).resolves.toBe(1);
    }
    // The tab's label is a button inside the tab. Chosen with the keyboard: GraphiQL's tabs are
    // drag-to-reorder, and a synthetic mouse press there starts a drag instead of a click.
    await page.getByRole('tab', { name: /TopPromptsThisWeek/ }).getByRole('button', { name: 'TopPromptsThisWeek' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => textOf(page, '.graphiql-query-editor')).toContain('query TopPromptsThisWeek');
    await expect.poll(() => textOf(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)')).toContain('"range"');

    // The headers editor: GraphiQL's "Headers" tool, a Monaco editor (it closes brackets and
    // quotes as one types, and types over them again, so plain typing gives valid JSON).
    await page.getByRole('button', { name: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden)').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type(`{"Authorization": "Bearer ${ADMIN_TOKEN}"}`);

    await page.getByRole('button', { name: /Execute query/ }).click();
    await expect.poll(() => textOf(page, '.graphiql-response'), { timeout: 30_000 }).toContain(PROMPT);
    const text = await textOf(page, '.graphiql-response');
    expect(text).toContain('"distinctUsers": 3');
    expect(text).not.toContain('UNAUTHENTICATED');
    await page.screenshot({ path: join(tmpdir(), 'atelier-graphiql.png') });

    // Offline by construction: the page, its bundle, its workers and the API, all on this origin.
    const foreign = requests.filter((url) => !url.startsWith(baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requests.some((url) => url.startsWith(`${baseUrl}${GRAPHIQL_ASSET_BASE}yoga-graphiql.umd.js`))).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
