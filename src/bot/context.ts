import type { I18n, I18nFlavor } from '@grammyjs/i18n';
import { Context } from 'grammy';
import type { Logger } from 'pino';
import type { NewsRefSealer } from './broadcast/news-ref.ts';
import type { Operation } from './operations.ts';
import type { StatsChartRenderer } from './stats-chart.ts';
import type { CommandLabel, Outcome } from './bot-metrics.ts';
import type { GraphqlClient } from './graphql-client.ts';
import type { ChatDefaultsCache } from './chat-defaults.ts';
import type { LocaleCache } from './locale-cache.ts';
import type { FetchMedia } from './media-download.ts';
import type { TelegramFiles } from './telegram-files.ts';
import type { Deliveries } from './delivery/deliveries.ts';
import type { StyleCatalog } from './style-catalog.ts';

/** Long-lived collaborators of every update, built once in createBot. */
export interface BotServices {
  graphql: GraphqlClient;
  logger: Logger;
  /** Follows queued jobs and brings their results to the chat, now or after a restart. */
  deliveries: Deliveries;
  locales: LocaleCache;
  /** Group chats' defaults and admins. */
  chats: ChatDefaultsCache;
  styles: StyleCatalog;
  fetchMedia: FetchMedia;
  /** Downloads what a user sent (photos, voice messages) from Telegram. */
  telegramFiles: TelegramFiles;
  i18n: I18n<BotContext>;
  /** Whether a Fluent message exists, to fall back to the API's own label for catalog entries we have no name for. */
  hasText: (key: string) => boolean;
  now: () => Date;
  /** Draws the /stats chart. */
  charts: StatsChartRenderer;
  /** Seals where a /news subscriber's broadcasts go. */
  news: NewsRefSealer;
  /** The deployment's retention windows, so /privacy states them as configured. */
  windows: RetentionWindows;
}

export interface RetentionWindows {
  promptTextHours: number;
  mediaHours: number;
}

/** What the telemetry middleware records about the update being handled. */
export interface UpdateState {
  command: CommandLabel | undefined;
  outcome: Outcome;
  /** Name of the error that ended the update, for the span's `error.type`. */
  errorType: string | undefined;
  traceId: string | undefined;
  /** Telegram accepts one answer per callback query; the error boundary must not send a second. */
  callbackAnswered: boolean;
}

export type BotContext = Context & I18nFlavor & BotFlavor;

/** What text-making helpers need: a context, or a locale's translator when a result arrives outside any update. */
export interface Speaker {
  t: BotContext['t'];
  services: Pick<BotServices, 'hasText'>;
}

export interface BotFlavor {
  readonly services: BotServices;
  readonly state: UpdateState;
  /** A GraphQL call on behalf of the user who sent this update (the API pseudonymizes the id at once). */
  gql<T, V extends object>(document: Operation<T, V>, variables?: V): Promise<T>;
}

/**
 * grammY builds one context per update with this class, so the dependencies are on every context
 * without a middleware copying them around, and features never import singletons.
 */
export function botContextClass(services: BotServices) {
  return class AtelierContext extends Context implements BotFlavor {
    // Installed per update by the i18n middleware.
    declare i18n: BotContext['i18n'];
    declare t: BotContext['t'];
    declare translate: BotContext['translate'];
    readonly services = services;
    readonly state: UpdateState = { command: undefined, outcome: 'ok', errorType: undefined, traceId: undefined, callbackAnswered: false };

    gql<T, V extends object>(document: Operation<T, V>, variables?: V): Promise<T> {
      const telegramUserId = this.from?.id;
      if (telegramUserId === undefined) return Promise.reject(new Error('this update has no sender to act for'));
      return services.graphql.request(document, variables ?? ({} as V), { telegramUserId });
    }
  };
}
