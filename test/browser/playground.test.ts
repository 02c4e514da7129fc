import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

/**
 * `npm run playground` as a newcomer uses it: the web chat in headless Chromium, joined to the real
 * API and bot through the loopback Bot API. Send /imagine, pick a style, see the image.
 */
const ROOT = join(import.meta.dirname, '../..');
const CHROMIUM = '/usr/bin/chromium';
const REQUIRE_BROWSER = process.env['ATELIER_REQUIRE_BROWSER'] === '1';
const available = existsSync(CHROMIUM);
if (!available && !REQUIRE_BROWSER) console.warn(`\n[atelier] playground browser test SKIPPED: ${CHROMIUM} is missing.\n`);

let playground: ChildProcess | undefined;
let exited: Promise<number | null> | undefined;
let url = '';
let output = '';
let tmp = '';
let browser: Browser | undefined;

describe.skipIf(!available && !REQUIRE_BROWSER)('the playground in a real browser', () => {
  beforeAll(async () => {
    expect(available, `ATELIER_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing`).toBe(true);
    tmp = mkdtempSync(join(tmpdir(), 'atelier-playground-test-'));
    playground = spawn(process.execPath, ['scripts/playground.ts', '--port', '0'], { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    playground.stdout?.on('data', (chunk) => (output += String(chunk)));
    playground.stderr?.on('data', (chunk) => (output += String(chunk)));
    exited = new Promise((resolve) => playground!.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const match = /Playground: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        url = match[1]!;
        break;
      }
      if (playground.exitCode !== null || Date.now() > deadline) throw new Error(`the playground did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (playground && playground.exitCode === null) playground.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  test('send /imagine, pick a style on the inline keyboard, and the image arrives', async () => {
    const page = await browser!.newPage({ viewport: { width: 900, height: 900 } });
    await page.goto(url);
    await page.getByLabel('Message').fill('/imagine a red fox in the snow');
    await page.getByRole('button', { name: 'Send' }).click();
    // The bot answers with the style keyboard, as Telegram shows it under the message.
    await page.getByRole('button', { name: 'Watercolor' }).click({ timeout: 30_000 });
    const image = page.locator('.msg img[alt="photo"]');
    await image.waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('.msg img[alt="photo"]');
      return !!img && img.complete && img.naturalWidth > 0;
    }, undefined, { timeout: 30_000 });
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(512);
    // The result keeps its buttons: rate, keep, another variant.
    await expect(page.getByRole('button', { name: '🔁 Another variant' }).count()).resolves.toBe(1);
    expect(await page.locator('.msg').last().textContent()).toMatch(/Watercolor/);
    const shot = process.env['ATELIER_PLAYGROUND_SCREENSHOT'];
    if (shot) await page.screenshot({ path: shot });
    await page.close();
  }, 150_000);

  test('Ctrl-C stops the playground and removes its data', async () => {
    playground!.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(readdirSync(tmp).filter((name) => name.startsWith('atelier-playground-'))).toEqual([]);
  }, 40_000);
});
