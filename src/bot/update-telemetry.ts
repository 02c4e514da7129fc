import { SpanKind, SpanStatusCode, isSpanContextValid, trace } from '@opentelemetry/api';
import type { MiddlewareFn } from 'grammy';
import type { Update } from 'grammy/types';
import { commandLabel, type BotMetrics, type CommandLabel, type UpdateType } from './bot-metrics.ts';
import type { BotContext } from './context.ts';

/** Calls after which the user sees that the bot reacted. */
const REPLY_METHODS = new Set([
  'sendMessage', 'sendPhoto', 'sendAnimation', 'sendChatAction', 'editMessageText', 'editMessageReplyMarkup', 'answerCallbackQuery',
  'sendInvoice', 'answerPreCheckoutQuery',
]);

/** Callback-data prefixes (see keyboards.ts) and the command each button belongs to. */
const BUTTON_COMMANDS: Record<string, CommandLabel> = { g: 'imagine', r: 'rate', k: 'keep', v: 'variant', ds: 'style', lang: 'language', del: 'deleteme', buy: 'tier' };

function updateType(update: Update): UpdateType {
  if (update.message) return 'message';
  if (update.callback_query) return 'callback_query';
  if (update.pre_checkout_query) return 'pre_checkout_query';
  return 'other';
}

function initialCommand(ctx: BotContext): CommandLabel | undefined {
  const message = ctx.message;
  if (message?.text !== undefined) {
    const entity = message.entities?.[0];
    if (entity?.type === 'bot_command' && entity.offset === 0) {
      const name = message.text.slice(1, entity.length).split('@')[0]!.toLowerCase();
      return commandLabel(name);
    }
    return message.chat.type === 'private' && !message.text.startsWith('/') ? 'text' : undefined;
  }
  if (message?.photo) return /^\/edit\b/i.test(message.caption ?? '') ? 'edit' : 'photo';
  if (message?.voice) return 'voice';
  if (message?.successful_payment) return 'payment';
  if (message?.refunded_payment) return 'refund';
  if (ctx.preCheckoutQuery) return 'pre_checkout';
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) return BUTTON_COMMANDS[data.split(':')[0]!] ?? 'other';
  return undefined;
}

/**
 * Outermost middleware: a server span per update (active while it is handled, so the GraphQL calls
 * it makes carry its trace context), update and command counters, and the time to the first reply.
 * Nothing identifying goes into attributes or labels: no user or chat ids, no text.
 */
export function updateTelemetry(metrics: BotMetrics | undefined): MiddlewareFn<BotContext> {
  const tracer = trace.getTracer('atelier');
  return async (ctx, next) => {
    const startedAt = performance.now();
    const type = updateType(ctx.update);
    metrics?.update(type);
    ctx.state.command = initialCommand(ctx);
    let replied = false;
    // Outermost transformer on this update's Api: it sees a call's result after throttling and retries.
    ctx.api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (method === 'answerCallbackQuery' && result.ok) ctx.state.callbackAnswered = true;
      if (!replied && result.ok && REPLY_METHODS.has(method)) {
        replied = true;
        metrics?.firstReply((performance.now() - startedAt) / 1000);
      }
      return result;
    });
    await tracer.startActiveSpan(`telegram.update ${type}`, { kind: SpanKind.SERVER, attributes: { 'telegram.update.type': type } }, async (span) => {
      const spanContext = span.spanContext();
      if (isSpanContextValid(spanContext)) ctx.state.traceId = spanContext.traceId;
      try {
        await next();
      } catch (error) {
        // Only errors outside the error boundary get here (it records its own).
        ctx.state.outcome = 'error';
        ctx.state.errorType = error instanceof Error ? error.name : 'unknown';
        throw error;
      } finally {
        const command = ctx.state.command;
        if (command) {
          span.setAttribute('telegram.command', command);
          metrics?.command(command, ctx.state.outcome);
        }
        span.setAttribute('atelier.outcome', ctx.state.outcome);
        if (ctx.state.errorType) span.setAttribute('error.type', ctx.state.errorType);
        if (ctx.state.outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
