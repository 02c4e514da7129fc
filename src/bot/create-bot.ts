import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { Bot } from 'grammy';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BotConfig } from '../config.ts';
import { createBotMetrics } from './bot-metrics.ts';
import { botContextClass, type BotContext, type BotServices, type RetentionWindows } from './context.ts';
import { isAddressed } from './addressed.ts';
import { createErrorBoundary } from './error-boundary.ts';
import { askFeature } from './features/ask.ts';
import { fallbackFeature } from './features/fallback.ts';
import { feedbackFeature } from './features/feedback.ts';
import { imagineFeature } from './features/imagine.ts';
import { languageFeature } from './features/language.ts';
import { paymentsFeature } from './features/payments.ts';
import { privacyFeature } from './features/privacy.ts';
import { resultActionsFeature } from './features/result-actions.ts';
import { startFeature } from './features/start.ts';
import { statsFeature } from './features/stats.ts';
import { styleFeature } from './features/style.ts';
import { modelFeature } from './features/model.ts';
import { tierFeature } from './features/tier.ts';
import type { GraphqlClient } from './graphql-client.ts';
import { createI18n, supportedLocale } from './i18n.ts';
import { createLocaleCache } from './locale-cache.ts';
import { createMediaFetcher, type FetchMedia } from './media-download.ts';
import { createTelegramFiles, type TelegramFiles } from './telegram-files.ts';
import { mediaInputFeature } from './features/media-input.ts';
import { sequentialize } from '@grammyjs/runner';
import { createChatRefSealer } from './delivery/chat-ref.ts';
import { createDeliveries, type Deliveries } from './delivery/deliveries.ts';
import { createStatsChartRenderer } from './stats-chart.ts';
import { createNewsRefSealer } from './broadcast/news-ref.ts';
import { createBroadcaster, type Broadcaster } from './broadcast/broadcaster.ts';
import { newsFeature } from './features/news.ts';
import { chatAccessGate, chatSettingsFeature } from './features/chat-settings.ts';
import { createChatDefaultsCache } from './chat-defaults.ts';
import { inlineFeature } from './features/inline.ts';
import { createStyleCatalog } from './style-catalog.ts';
import { updateTelemetry } from './update-telemetry.ts';

export type EnabledBotConfig = Extract<BotConfig, { enabled: true }>;

export interface BotDeps {
  config: EnabledBotConfig;
  client: GraphqlClient;
  logger: Logger;
  /** The process's one prom-client registry (served at /metrics); without it the bot counts nothing. */
  metrics?: Registry | undefined;
  /** Downloads generated files from the API's signed links; default: fetch with a 30 s timeout. */
  fetchMedia?: FetchMedia;
  /** Downloads users' photos and voice messages from Telegram; default: getFile and fetch. */
  telegramFiles?: TelegramFiles;
  /** Outgoing-call limits; the default follows Telegram's published flood limits. Tests loosen them. */
  throttle?: APIThrottlerOptions;
  /** How often finished but undelivered results (and waiting broadcasts) are looked for (default 15 s). */
  deliverySweepMs?: number;
  now?: () => Date;
  /** PROMPT_RETENTION_HOURS and MEDIA_RETENTION_HOURS as configured: /privacy states them. */
  windows: RetentionWindows;
}

/** Builds the bot: transport plugins, context, i18n, telemetry, features and the error boundary. Starts nothing. */
export function createBot(deps: BotDeps): { bot: Bot<BotContext>; deliveries: Deliveries; broadcaster: Broadcaster } {
  const logger = deps.logger.child({ component: 'bot' });
  const { i18n, has } = createI18n<BotContext>({
    logger,
    // The language chosen with /language (stored by the API) wins over the Telegram app's language.
    localeNegotiator: async (ctx) => {
      const telegramLocale = supportedLocale(ctx.from?.language_code);
      // Only people who talk to the bot are looked up: not every member of a group it sits in.
      if (!ctx.from || !isAddressed(ctx)) return telegramLocale;
      // In a group, the language its admins chose wins: everyone there reads the reply.
      if (ctx.chat && ctx.chat.type !== 'private') {
        const chatLocale = supportedLocale((await ctx.services.chats.get(ctx.chat.id, ctx.from.id))?.locale ?? undefined);
        if (chatLocale) return chatLocale;
      }
      return (await ctx.services.locales.stored(ctx.from.id)) ?? telegramLocale;
    },
  });
  const fetchMedia = deps.fetchMedia ?? createMediaFetcher();
  const services: BotServices = {
    graphql: deps.client,
    logger,
    // Set below, once the bot (and so its Api) exists.
    deliveries: undefined as unknown as BotServices['deliveries'],
    locales: createLocaleCache({ client: deps.client }),
    chats: createChatDefaultsCache({ client: deps.client }),
    styles: createStyleCatalog(deps.client),
    fetchMedia,
    telegramFiles: deps.telegramFiles ?? createTelegramFiles({ apiRoot: deps.config.apiRoot, token: deps.config.token }),
    i18n,
    hasText: has,
    now: deps.now ?? (() => new Date()),
    charts: createStatsChartRenderer(),
    news: createNewsRefSealer(deps.config.token),
    windows: deps.windows,
  };

  const bot = new Bot<BotContext>(deps.config.token, {
    client: { apiRoot: deps.config.apiRoot },
    ContextConstructor: botContextClass(services),
  });
  // Installed last means called first: auto-retry wraps the throttler, so every retry is throttled too.
  bot.api.config.use(apiThrottler(deps.throttle));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  services.deliveries = createDeliveries({
    api: bot.api,
    client: deps.client,
    sealer: createChatRefSealer(deps.config.token),
    speakerFor: (locale) => ({ t: (key, variables) => i18n.t(locale, key, variables), services: { hasText: has } }),
    fetchMedia,
    logger,
    botUsername: () => bot.botInfo.username,
    ...(deps.deliverySweepMs ? { sweepEveryMs: deps.deliverySweepMs } : {}),
  });

  // Updates run concurrently (the runner), but those of one chat in order: a user's second tap never overtakes their first.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  const onError = createErrorBoundary(logger);
  bot.use(updateTelemetry(deps.metrics ? createBotMetrics(deps.metrics) : undefined));
  // Inside the update's span, so the apology and its log line carry the trace; and it works the
  // same for webhooks, where grammY hands middleware errors to the web framework, not to bot.catch.
  const guarded = bot.errorBoundary(onError);
  guarded.use(i18n.middleware());
  guarded.use(chatAccessGate);
  guarded.use(startFeature, mediaInputFeature, imagineFeature, resultActionsFeature, askFeature, styleFeature, modelFeature, languageFeature, statsFeature, tierFeature, paymentsFeature, feedbackFeature, newsFeature, inlineFeature, chatSettingsFeature, privacyFeature);
  guarded.use(fallbackFeature);
  bot.catch(onError);
  const broadcaster = createBroadcaster({
    api: bot.api, client: deps.client, sealer: services.news, logger, perSecond: deps.config.broadcastPerSecond,
    ...(deps.deliverySweepMs ? { everyMs: deps.deliverySweepMs } : {}),
  });
  return { bot, deliveries: services.deliveries, broadcaster };
}
