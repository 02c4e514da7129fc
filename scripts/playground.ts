/**
 * `npm run playground`: try the bot in a browser with no Telegram account. Starts the loopback
 * Bot API server the tests use (test/helpers/fake-telegram.ts), the API with the bot pointed at
 * it, and a small Telegram-like web chat on localhost that talks to that Bot API as the user.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run playground -- [--port 4100]

Starts, on 127.0.0.1 only: a loopback Telegram Bot API (the tests' faithful fake), the Atelier API
with the bot in polling mode against it (offline procedural images and animations, a fresh data
dir in $TMPDIR), and a web chat at http://127.0.0.1:4100 (--port 0 picks a free port) where you
are a Telegram user: send /imagine, /video, /help..., tap the inline buttons, see photos and
animations. Nothing leaves this machine. Ctrl-C stops everything and removes the data dir.`);

const { startFakeTelegram } = await import('../test/helpers/fake-telegram.ts');
const { freePort } = await import('../test/helpers/spawn-api.ts');

const root = join(import.meta.dirname, '..');
const portIndex = process.argv.indexOf('--port');
const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 4100;
const cleanup = createCleanup();
const dataDir = cleanup.removeOnExit(mkdtempSync(join(tmpdir(), 'atelier-playground-')));
/** The one user of the playground, in their private chat with the bot (chat id = user id). */
const USER = { id: 424242, first_name: 'You', language_code: 'en' };

const fake = await startFakeTelegram({ maxPollSeconds: 1 });
const apiPort = await freePort();
const api = spawn(process.execPath, ['--import', './src/telemetry/instrument.ts', 'src/main.ts'], {
  cwd: root,
  env: {
    PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: String(apiPort), DATA_DIR: dataDir,
    BOT_TOKEN: fake.token, BOT_API_ROOT: fake.apiRoot, BOT_API_TOKEN: randomBytes(24).toString('hex'),
    // A visible progress message: each image takes a moment, as a real provider's would.
    PROCEDURAL_DELAY_MS: '1500',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
cleanup.onExit(() => {
  if (api.exitCode === null) api.kill('SIGTERM');
});
await new Promise<void>((resolve, reject) => {
  let output = '';
  api.stdout.on('data', (chunk) => {
    output += String(chunk);
    if (output.includes('Telegram bot started')) resolve();
  });
  api.once('exit', (code) => reject(new Error(`the API exited (${code}) before the bot started:\n${output}`)));
});
api.stdout.resume();

type Json = Record<string, any>;
/** The chat as the page shows it: every message that still exists, oldest first. */
function chatMessages(): Json[] {
  const out: Json[] = [];
  let misses = 0;
  for (let id = 1; misses < 50; id++) {
    const message = fake.getMessage(USER.id, id) as Json | undefined;
    if (!message) {
      misses++;
      continue;
    }
    misses = 0;
    const photo = (message['photo'] as Json[] | undefined)?.at(-1);
    out.push({
      id: message['message_id'],
      mine: message['from']?.['id'] === USER.id,
      text: message['text'] ?? message['caption'] ?? '',
      photo: photo?.['file_id'],
      animation: message['animation']?.['file_id'],
      buttons: ((message['reply_markup']?.['inline_keyboard'] ?? []) as Json[][]).map((row) => row.map((button) => ({ text: button['text'], data: button['callback_data'], url: button['url'] }))),
    });
  }
  return out;
}

/** A file the bot sent, fetched from the Bot API's file endpoint as a client would. */
async function fileBytes(fileId: string): Promise<{ bytes: Uint8Array; type: string } | null> {
  const info = (await (await fetch(`${fake.apiRoot}/bot${fake.token}/getFile?file_id=${encodeURIComponent(fileId)}`)).json()) as Json;
  if (!info['ok']) return null;
  const response = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${info['result']['file_path']}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type') ?? 'application/octet-stream' };
}

async function body(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
}

const page = readFileSync(join(root, 'scripts/playground/index.html'));
const json = (response: ServerResponse, status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  void (async () => {
    if (request.method === 'GET' && url.pathname === '/') return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (request.method === 'GET' && url.pathname === '/api/messages') return json(response, 200, chatMessages());
    if (request.method === 'POST' && url.pathname === '/api/send') {
      const { text } = await body(request);
      if (typeof text !== 'string' || !text.trim() || text.length > 4096) return json(response, 400, { error: 'text: 1 to 4096 characters' });
      fake.sendText(USER, text);
      return json(response, 200, { ok: true });
    }
    if (request.method === 'POST' && url.pathname === '/api/press') {
      const { id, data } = await body(request);
      const message = fake.getMessage(USER.id, Number(id));
      if (!message || typeof data !== 'string') return json(response, 400, { error: 'no such message or button' });
      try {
        fake.pressButton(USER, message, data);
      } catch (error) {
        return json(response, 409, { error: (error as Error).message });
      }
      return json(response, 200, { ok: true });
    }
    if (request.method === 'GET' && url.pathname === '/api/file') {
      const file = await fileBytes(url.searchParams.get('id') ?? '');
      if (!file) return json(response, 404, { error: 'no such file' });
      return void response.writeHead(200, { 'content-type': file.type, 'cache-control': 'max-age=3600' }).end(file.bytes);
    }
    json(response, 404, { error: 'not found' });
  })().catch((error: unknown) => json(response, 500, { error: String(error) }));
});
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
console.log(`Playground: http://127.0.0.1:${(server.address() as AddressInfo).port} (API on http://127.0.0.1:${apiPort}/graphql; Ctrl-C stops)`);

// The API stops first (it drains and closes the bot), then the fake and the page server.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.once(signal, () => {
    api.once('exit', () => {
      server.closeAllConnections();
      server.close();
      void fake.close().finally(() => process.exit(0));
    });
    api.kill('SIGTERM');
    setTimeout(() => process.exit(1), 25_000).unref();
  });
}
