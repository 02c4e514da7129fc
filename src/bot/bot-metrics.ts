import { Counter, Histogram, type Registry } from 'prom-client';

/** Every command label is one of these; anything else is `other`, so series stay bounded. */
export const COMMAND_LABELS = [
  'start', 'help', 'imagine', 'video', 'ask', 'edit', 'new', 'style', 'language', 'stats', 'usage', 'feedback', 'privacy', 'deleteme', 'tier',
  // Not typed commands: a plain text message (drawn like /imagine), the buttons under a result,
  // and the Stars checkout (pre-checkout query, successful and refunded payment messages).
  // A photo (a question about it) and a voice message.
  'text', 'photo', 'voice', 'rate', 'keep', 'variant', 'pre_checkout', 'payment', 'refund', 'other',
] as const;
export type CommandLabel = (typeof COMMAND_LABELS)[number];
export type UpdateType = 'message' | 'callback_query' | 'pre_checkout_query' | 'other';
/** user_error: the user asked for something the API refused (invalid prompt, no provider, quota…). */
export type Outcome = 'ok' | 'error' | 'user_error';

const COMMAND_SET = new Set<string>(COMMAND_LABELS);

export function commandLabel(name: string): CommandLabel {
  return COMMAND_SET.has(name) ? (name as CommandLabel) : 'other';
}

export interface BotMetrics {
  update(type: UpdateType): void;
  command(command: CommandLabel, outcome: Outcome): void;
  firstReply(seconds: number): void;
}

function registered<T>(registry: Registry, name: string, create: () => T): T {
  // A second bot on the same registry (tests, a restart in-process) reuses the series instead of throwing.
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createBotMetrics(registry: Registry): BotMetrics {
  const updates = registered(registry, 'atelier_bot_updates_total', () => new Counter({
    name: 'atelier_bot_updates_total', help: 'Telegram updates received, by type.', labelNames: ['type'], registers: [registry],
  }));
  const commands = registered(registry, 'atelier_bot_commands_total', () => new Counter({
    name: 'atelier_bot_commands_total', help: 'Bot commands and buttons handled, by command and outcome.', labelNames: ['command', 'outcome'], registers: [registry],
  }));
  const reply = registered(registry, 'atelier_bot_reply_seconds', () => new Histogram({
    name: 'atelier_bot_reply_seconds',
    help: 'Time from receiving an update to the first reply the user sees (message, media, chat action or button answer).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  }));
  return {
    update: (type) => updates.inc({ type }),
    command: (command, outcome) => commands.inc({ command, outcome }),
    firstReply: (seconds) => reply.observe(seconds),
  };
}
