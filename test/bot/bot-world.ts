import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import type { APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import type { EnabledBotConfig } from '../../src/bot/create-bot.ts';
import { createGraphqlClient } from '../../src/bot/graphql-client.ts';
import { startBot, type RunningBot } from '../../src/bot/start-bot.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { startFakeTelegram, type FakeTelegram, type FakeUser } from '../helpers/fake-telegram.ts';
import { BOT_TOKEN, createTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.ts';

/**
 * One world per test file: the real API in-process on a loopback port (media links point at it),
 * the fake Telegram, and the bot started against both, as main.ts would.
 */
export interface BotWorld {
  app: TestApp;
  telegram: FakeTelegram;
  running: RunningBot;
  registry: Registry;
  /** Every line the bot logged, as JSON text. */
  botLogs: string[];
  apiPort: number;
  stopApi(): Promise<void>;
  startApi(): Promise<void>;
  close(): Promise<void>;
}

export interface BotWorldOptions {
  app?: TestAppOptions;
  mode?: EnabledBotConfig['mode'];
  /** Broadcast pace (messages per second); default 20. */
  broadcastPerSecond?: number;
  /** How often the bot looks for deliveries and broadcasts (default 15 s). */
  sweepMs?: number;
  /** Outgoing-call limits; default: one call at a time with no pause. */
  throttle?: APIThrottlerOptions;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function createBotWorld(options: BotWorldOptions = {}): Promise<BotWorld> {
  // The port comes first: the API signs media links with PUBLIC_URL, and the bot downloads them.
  let app: TestApp | undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => void app!.http(req, res);
  let server = createServer(handler);
  const apiPort = await listen(server, 0);
  app = await createTestApp({ ...options.app, env: { PUBLIC_URL: `http://127.0.0.1:${apiPort}`, ...options.app?.env } });
  const telegram = await startFakeTelegram();
  const botLogs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        botLogs.push(String(chunk));
        callback();
      },
    }),
  });
  const registry = new Registry();
  const config: EnabledBotConfig = {
    enabled: true,
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    graphqlUrl: `http://127.0.0.1:${apiPort}/graphql`,
    apiToken: BOT_TOKEN,
    mode: options.mode ?? { kind: 'polling' },
    broadcastPerSecond: options.broadcastPerSecond ?? 20,
  };
  const client = createGraphqlClient({ url: config.graphqlUrl, apiToken: config.apiToken, timeoutMs: 10_000 });
  const running = await startBot({
    config,
    client,
    logger,
    metrics: registry,
    windows: { promptTextHours: app.config.retention.promptTextHours, mediaHours: app.config.media.retentionHours },
    // Telegram's per-chat pace (1 message/s) would only make the tests slow; the throttler stays in the path.
    throttle: options.throttle ?? { out: { maxConcurrent: 1, minTime: 0 } },
    ...(options.sweepMs ? { deliverySweepMs: options.sweepMs } : {}),
  });
  return {
    app,
    telegram,
    running,
    registry,
    botLogs,
    apiPort,
    async stopApi() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async startApi() {
      server = createServer(handler);
      await listen(server, apiPort);
    },
    async close() {
      await running.stop();
      await telegram.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app!.close();
    },
  };
}

let nextUser = 880_000_001;

/** A fresh Telegram user (a distinctive id, so a leak into rows or logs is easy to spot). */
export function newUser(overrides: Partial<FakeUser> = {}): FakeUser {
  return { id: nextUser++, first_name: 'Test', language_code: 'en', ...overrides };
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
