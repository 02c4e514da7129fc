import { randomUUID } from 'node:crypto';
import { GrammyError, HttpError, type BotError } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from './context.ts';
import { ApiError, ApiUnavailableError } from './graphql-client.ts';
import { DEFAULT_LOCALE, supportedLocale } from './i18n.ts';

/**
 * The error boundary (installed with bot.errorBoundary around the features, and as bot.catch for
 * anything outside): whatever a handler throws ends here, is logged by kind, and the user gets a
 * short localized message; the bot keeps running. Logs carry error names, codes and a reference, never
 * the user's id or text. Telegram errors are logged apart: a reply to a chat that can't be reached
 * would fail the same way, and an HttpError's cause may quote a request URL (with the bot token).
 */
export function createErrorBoundary(logger: Logger) {
  return async function onBotError(error: BotError<BotContext>): Promise<void> {
    const ctx = error.ctx;
    const cause = error.error;
    ctx.state.outcome = 'error';
    ctx.state.errorType = cause instanceof Error ? cause.name : 'unknown';
    const where = { update_id: ctx.update.update_id, command: ctx.state?.command, ...(ctx.state?.traceId ? { trace_id: ctx.state.traceId } : {}) };
    // The API's own reference when it masked an error, so one id finds both log lines.
    const ref = cause instanceof ApiError && cause.errorId ? cause.errorId : randomUUID();
    try {
      if (cause instanceof GrammyError) {
        logger.warn({ ...where, errorRef: ref, method: cause.method, error_code: cause.error_code, description: cause.description }, 'Telegram refused a call');
        // 403: the user blocked the bot or left the chat; nobody is there to tell.
        if (cause.error_code === 403) return;
      } else if (cause instanceof HttpError) {
        const inner = cause.error as { name?: unknown; code?: unknown } | undefined;
        logger.warn({ ...where, error_name: inner?.name, error_code: inner?.code }, cause.message);
        return;
      } else if (cause instanceof ApiError && cause.code === 'ACCESS_DENIED') {
        // The operator's denylist or invite-only mode: expected, and the user should know why.
        ctx.state.outcome = 'user_error';
        logger.info(where, 'user not allowed by the access lists');
        await tell(ctx, 'error-access-denied');
        return;
      } else if (cause instanceof ApiUnavailableError) {
        logger.warn({ ...where, status: cause.status }, `GraphQL API unavailable: ${cause.message}`);
        await tell(ctx, 'error-api-unavailable');
        return;
      } else {
        logger.error({ ...where, err: cause, errorRef: ref, code: cause instanceof ApiError ? cause.code : undefined }, 'unexpected error while handling an update');
      }
      await tell(ctx, 'error-unexpected', { ref });
    } catch (failure) {
      logger.warn({ ...where, err_name: failure instanceof Error ? failure.name : typeof failure }, 'could not tell the user about an error');
    }
  };
}

async function tell(ctx: BotContext, key: string, variables: Record<string, string> = {}): Promise<void> {
  // The failure may have come before the i18n middleware ran.
  const text = typeof ctx.t === 'function'
    ? ctx.t(key, variables)
    : ctx.services.i18n.t(supportedLocale(ctx.from?.language_code) ?? DEFAULT_LOCALE, key, variables);
  if (ctx.callbackQuery && !ctx.state.callbackAnswered) await ctx.answerCallbackQuery().catch(() => undefined);
  // An inline pick has no chat to reply in: its own message says it instead.
  const inline = ctx.chosenInlineResult?.inline_message_id;
  if (inline !== undefined) await ctx.api.editMessageTextInline(inline, text);
  else if (ctx.chat) await ctx.reply(text);
}
