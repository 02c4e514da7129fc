import type { IncomingMessage, ServerResponse } from 'node:http';
import { run } from '@grammyjs/runner';
import { BotError, webhookCallback, type Bot } from 'grammy';
import { registerCommands } from './commands.ts';
import type { BotContext } from './context.ts';
import { createBot, type BotDeps } from './create-bot.ts';
import { createI18n } from './i18n.ts';

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RunningBot {
  bot: Bot<BotContext>;
  /** Stops polling (or the webhook intake) after the update in hand; safe to call twice. */
  stop(): Promise<void>;
  /** Webhook mode only: serve it at `config.mode.path` on any node HTTP server. */
  webhookHandler?: WebhookHandler;
}

/**
 * Creates the bot, registers its command menu and starts receiving updates: long polling, or a
 * webhook whose requests must carry Telegram's secret token (anything else gets 401 unprocessed).
 */
export async function startBot(deps: BotDeps): Promise<RunningBot> {
  const { bot, deliveries, broadcaster } = createBot(deps);
  const logger = deps.logger.child({ component: 'bot' });
  await bot.init();
  const { i18n } = createI18n({ logger });
  // A menu that failed to register is cosmetic: the bot still answers every command.
  await registerCommands(bot.api, (locale, key) => i18n.t(locale, key)).catch((error: unknown) =>
    logger.warn({ err_name: error instanceof Error ? error.name : typeof error }, 'could not register the command menu'),
  );

  const mode = deps.config.mode;
  if (mode.kind === 'polling') {
    // Long polling needs the webhook gone; updates that arrived while the bot was down are still answered.
    await bot.api.deleteWebhook({ drop_pending_updates: false });
    // The runner fetches and handles updates concurrently (one chat's in order: see sequentialize in
    // create-bot), so a user waiting for an image never delays anyone else's answer.
    const runner = run(bot, { runner: { silent: true } });
    void runner.task()?.catch((error: unknown) => {
      // Names only: a network error's cause quotes the request URL, which holds the bot token.
      logger.error({ err_name: error instanceof Error ? error.name : typeof error, error_code: (error as { error_code?: unknown }).error_code }, 'polling stopped');
    });
    // Results that finished while the bot was away are delivered now, then looked for periodically.
    deliveries.start();
    broadcaster.start();
    logger.info({ mode: 'polling', username: bot.botInfo.username }, 'Telegram bot started');
    return {
      bot,
      async stop() {
        if (runner.isRunning()) await runner.stop();
        await Promise.all([deliveries.stop(), broadcaster.stop()]);
      },
    };
  }

  await bot.api.setWebhook(mode.url, { secret_token: mode.secret, drop_pending_updates: false });
  // On timeout Telegram gets its 200 and the update finishes in the background: a generation can
  // outlast Telegram's patience, and a non-2xx answer would make Telegram deliver the update again.
  const callback = webhookCallback(bot, 'http', { secretToken: mode.secret, onTimeout: 'return', timeoutMilliseconds: 9000 });
  let stopped = false;
  const webhookHandler: WebhookHandler = (req, res) => {
    if (stopped) {
      res.writeHead(503).end();
      return;
    }
    callback(req, res).catch(async (error: unknown) => {
      // A middleware error outside the boundary: handled like in polling, and acknowledged, since
      // Telegram would otherwise deliver the same update again and again.
      if (error instanceof BotError) await bot.errorHandler(error);
      else logger.warn({ err_name: error instanceof Error ? error.name : typeof error }, 'webhook request failed');
      if (!res.headersSent) res.writeHead(error instanceof BotError ? 200 : 400).end();
    });
  };
  deliveries.start();
  broadcaster.start();
  logger.info({ mode: 'webhook', path: mode.path, username: bot.botInfo.username }, 'Telegram bot started');
  return {
    bot,
    webhookHandler,
    async stop() {
      // The webhook stays registered with Telegram: updates queue there until the next start.
      stopped = true;
      await Promise.all([deliveries.stop(), broadcaster.stop()]);
    },
  };
}
