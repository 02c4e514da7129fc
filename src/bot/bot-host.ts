import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { TelegramWebhook } from '../http/telegram-webhook.ts';
import type { RunningBot } from './start-bot.ts';

export interface BotHostDeps {
  config: Pick<Config, 'bot' | 'providers' | 'retention' | 'media'>;
  logger: Logger;
  metrics?: Registry | undefined;
  /** Where webhook mode's handler goes: the API's router serves it on the API's port. */
  webhook: TelegramWebhook;
}

export interface BotHost {
  /** Starts the bot when BOT_TOKEN is set; a failure is logged and leaves the API running. */
  start(): Promise<void>;
  /** Stops the bot if it started; safe to call at any time. */
  stop(): Promise<void>;
}

/**
 * The Telegram bot inside the API's process: started once the API listens, since it is a GraphQL
 * client of it over loopback. grammY, its plugins and the Fluent bundles cost about 29 MiB, so
 * they are loaded only when a bot is configured.
 */
export function createBotHost(deps: BotHostDeps): BotHost {
  const { config, logger } = deps;
  let running: RunningBot | undefined;
  return {
    async start() {
      if (!config.bot.enabled) return;
      const [{ createGraphqlClient }, { startBot }] = await Promise.all([import('./graphql-client.ts'), import('./start-bot.ts')]);
      const http = config.providers.http;
      // A text answer may go down a whole fallback chain, each provider within its own deadline.
      const textChain = Math.max(1, config.providers.text.length);
      const client = createGraphqlClient({ url: config.bot.graphqlUrl, apiToken: config.bot.apiToken, timeoutMs: http.deadlineMs * textChain + 30_000 });
      try {
        running = await startBot({
          config: config.bot, client, logger, metrics: deps.metrics,
          windows: { promptTextHours: config.retention.promptTextHours, mediaHours: config.media.retentionHours },
        });
        if (running.webhookHandler) deps.webhook.attach(running.webhookHandler);
        logger.info({ mode: config.bot.mode.kind }, 'Telegram bot started');
      } catch (error) {
        // A rejected token must not take the API down with it.
        logger.error({ err: error }, 'Telegram bot could not start; the API keeps running');
      }
    },
    async stop() {
      await running?.stop();
    },
  };
}
