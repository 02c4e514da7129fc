/**
 * `npm run playground` as a newcomer meets it: the chat page in headless Chromium, the real API and
 * bot behind it (spawned as `npm start` runs them), joined through the loopback Bot API server.
 * Send /imagine, pick a style on the inline keyboard, see the picture arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRE_BROWSER = process.env['ATELIER_REQUIRE_BROWSER'] === '1';
const available = existsSync(CHROMIUM);

let playground: ChildProcess;
let output = '';
let pageUrl: string;
let apiUrl: string;
let browser: Browser | undefined;

describe.skipIf(!available && !REQUIRE_BROWSER)('the playground in a real browser', () => {
  beforeAll(async () => {
    expect(available, `ATELIER_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`).toBe(true);
    playground = spawn(process.execPath, ['scripts/playground.ts', '--port', '0', '--delay-ms', '300'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    playground.stdout?.on('data', (chunk) => (output += String(chunk)));
    playground.stderr?.on('data', (chunk) => (output += String(chunk)));
    const deadline = Date.now() + 60_000;
    while (!/playground: (http:\S+)/.test(output)) {
      if (playground.exitCode !== null || Date.now() > deadline) throw new Error(`the playground did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    pageUrl = /playground: (http:\S+)/.exec(output)![1]!;
    apiUrl = /the API: (http:\S+?)\/graphql/.exec(output)![1]!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (playground && playground.exitCode === null) playground.kill('SIGKILL');
  });

  test('/imagine, a style from the keyboard, and the picture arrives in the chat', async () => {
    const page = await browser!.newPage({ viewport: { width: 900, height: 900 } });
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(pageUrl)) foreign.push(request.url());
    });
    await page.goto(pageUrl);
    await page.fill('#text', '/imagine a dragon over a castle');
    await page.press('#text', 'Enter');
    const anime = page.locator('.message.bot .keyboard button', { hasText: 'Anime' });
    await anime.waitFor({ timeout: 30_000 });
    await anime.click();
    const picture = page.locator('.message.bot img');
    await picture.waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('.message.bot img');
      return image !== null && image.complete && image.naturalWidth > 0;
    }, undefined, { timeout: 30_000 });
    const bubble = page.locator('.message.bot', { has: page.locator('img') });
    await expect.poll(async () => bubble.innerText()).toContain('Anime');
    // The buttons under a result: rate, keep, another variant.
    expect(await bubble.locator('.keyboard button').count()).toBeGreaterThanOrEqual(3);
    // The progress message ("Working on it") goes once the picture is there, as in Telegram.
    await expect.poll(async () => page.locator('.message.bot', { hasText: '%' }).count()).toBe(0);
    // The picture README shows (docs/playground.png) is this screenshot.
    await page.screenshot({ path: join(tmpdir(), 'atelier-playground.png') });
    // Everything the page loads comes from the playground itself.
    expect(foreign).toEqual([]);
  }, 120_000);

  test('SIGTERM stops the playground and the API behind it', async () => {
    const exited = new Promise<number | null>((resolve) => playground.once('exit', (code) => resolve(code)));
    playground.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${apiUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ health { ok } }"}' })).rejects.toThrow();
  }, 60_000);
});
