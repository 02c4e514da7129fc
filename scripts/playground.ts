/**
 * `npm run playground [-- --port 3000 --lang en --data-dir DIR --delay-ms 1500]`
 *
 * Try the bot in a browser, with no Telegram account: starts the loopback Bot API server the tests
 * use (test/helpers/fake-telegram.ts), the API with its bot exactly as `npm start` runs them (the bot
 * talks to that loopback server instead of Telegram), and a small chat page on
 * http://127.0.0.1:<port>/ that plays the part of Telegram's app for one user: send commands and
 * text, press the inline buttons, upload a photo, watch progress edits, pictures and animations
 * arrive. Ctrl-C stops everything; the data directory is a fresh temporary one unless `--data-dir`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeTelegram, type FakeUser } from '../test/helpers/fake-telegram.ts';
import { freePort } from '../test/helpers/spawn-api.ts';
import { chatEventOf, type ChatEvent } from './playground/chat-events.ts';

const USAGE = `usage: npm run playground -- [--port 3000] [--lang en|ru|fa] [--data-dir DIR] [--delay-ms 1500]
  --port      where the chat page listens on 127.0.0.1 (0: any free port)
  --lang      the Telegram app language of the playground user
  --data-dir  keep the database and media here (default: a temporary directory, removed on exit)
  --delay-ms  how long each procedural image takes, to watch the queue and progress (default 1500)`;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

if (process.argv.includes('--help')) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(option('port', '3000'));
const lang = option('lang', 'en');
const delayMs = option('delay-ms', '1500');
if (!Number.isInteger(port) || port < 0 || port > 65_535 || !['en', 'ru', 'fa'].includes(lang) || !/^\d+$/.test(delayMs)) {
  console.error(USAGE);
  process.exit(2);
}
const keptDir = process.argv.includes('--data-dir') ? option('data-dir', '') : undefined;
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'atelier-playground-'));
mkdirSync(dataDir, { recursive: true });
const root = fileURLToPath(new URL('..', import.meta.url));
const page = readFileSync(new URL('./playground/page.html', import.meta.url), 'utf8');

const telegram = await startFakeTelegram({ maxPollSeconds: 1 });
const user: FakeUser = { id: 100_000_001, first_name: 'You', language_code: lang };
const apiPort = await freePort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
const api = spawn(process.execPath, ['--import', './src/telemetry/instrument.ts', 'src/main.ts'], {
  cwd: root,
  env: {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    PUBLIC_URL: apiUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    BOT_TOKEN: telegram.token,
    // A fresh secret per run: the bot's key to the API, never shown.
    BOT_API_TOKEN: randomBytes(24).toString('hex'),
    BOT_API_ROOT: telegram.apiRoot,
    PROCEDURAL_DELAY_MS: delayMs,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const apiOutput: string[] = [];
// The last lines only: shown if the API stops on its own.
const keep = (chunk: unknown) => {
  apiOutput.push(String(chunk));
  if (apiOutput.length > 200) apiOutput.shift();
};
api.stdout.on('data', keep);
api.stderr.on('data', keep);
const apiExited = new Promise<void>((resolve) => api.once('exit', () => resolve()));

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  server.closeAllConnections();
  server.close();
  if (api.exitCode === null && api.signalCode === null) api.kill('SIGTERM');
  await apiExited;
  await telegram.close();
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
void apiExited.then(() => {
  if (stopping) return;
  console.error(`the API stopped:\n${apiOutput.join('')}`);
  void stop(1);
});

/** The chat as the page sees it: events after the `after`-th call, waiting up to 15 s for one. */
async function eventsAfter(after: number, signal: AbortSignal): Promise<{ events: ChatEvent[]; next: number }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const calls = telegram.calls.slice(after);
    const events = calls.map((call) => chatEventOf(call, user.id)).filter((event): event is ChatEvent => event !== undefined);
    const next = after + calls.length;
    if (events.length > 0 || Date.now() > deadline || signal.aborted) return { events, next };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function body(request: IncomingMessage, limit = 10 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sniff(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'image/gif';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp') return 'video/mp4';
  return 'application/octet-stream';
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

const server = createServer((request, response) => {
  void (async () => {
    const url = new URL(request.url ?? '/', 'http://playground');
    try {
      if (request.method === 'GET' && url.pathname === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      } else if (request.method === 'GET' && url.pathname === '/api/events') {
        const controller = new AbortController();
        response.once('close', () => controller.abort());
        json(response, 200, await eventsAfter(Number(url.searchParams.get('after') ?? 0), controller.signal));
      } else if (request.method === 'POST' && url.pathname === '/api/send') {
        const { text } = JSON.parse(String(await body(request))) as { text?: unknown };
        if (typeof text !== 'string' || text.trim() === '' || text.length > 4096) return json(response, 400, { error: 'text must be 1-4096 characters' });
        telegram.sendText(user, text);
        response.writeHead(204).end();
      } else if (request.method === 'POST' && url.pathname === '/api/press') {
        const { messageId, data } = JSON.parse(String(await body(request))) as { messageId?: unknown; data?: unknown };
        const message = telegram.getMessage(user.id, Number(messageId));
        if (!message || typeof data !== 'string') return json(response, 409, { error: 'that message or button is gone' });
        telegram.pressButton(user, message, data);
        response.writeHead(204).end();
      } else if (request.method === 'POST' && url.pathname === '/api/photo') {
        const caption = url.searchParams.get('caption');
        telegram.sendUserPhoto(user, await body(request), caption ? { caption } : {});
        response.writeHead(204).end();
      } else if (request.method === 'GET' && url.pathname.startsWith('/api/file/')) {
        const [, , , seq, field] = url.pathname.split('/');
        const file = telegram.calls.find((call) => call.seq === Number(seq))?.files[field ?? ''];
        if (!file) return json(response, 404, { error: 'no such file' });
        response.writeHead(200, { 'content-type': sniff(file.bytes), 'cache-control': 'private, max-age=3600' }).end(file.bytes);
      } else {
        json(response, 404, { error: 'not found' });
      }
    } catch (error) {
      json(response, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  })();
});

const started = Date.now();
while (!apiOutput.join('').includes('Telegram bot started')) {
  if (api.exitCode !== null || Date.now() - started > 60_000) {
    console.error(`the API and its bot did not start:\n${apiOutput.join('')}`);
    await stop(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
console.log(`Atelier playground: http://127.0.0.1:${(server.address() as AddressInfo).port}/  (the API: ${apiUrl}/graphql; Ctrl-C stops both)`);
