import type { Context } from 'grammy';

/**
 * One rule for when a message is meant for the bot. In a private chat every message is. In a group
 * only its commands (`/cmd` or `/cmd@itsname`), messages that mention the bot by its
 * @username, and replies to one of the bot's own messages are (inline queries are always typed to the
 * bot by name): the bot must not answer, nor ask the
 * API about, every member who talks to someone else.
 */
export function isAddressed(ctx: Context): boolean {
  if (ctx.callbackQuery !== undefined || ctx.preCheckoutQuery !== undefined || ctx.inlineQuery !== undefined || ctx.chosenInlineResult !== undefined || ctx.chat?.type === 'private') return true;
  const message = ctx.message;
  if (!message) return false;
  return isOurCommand(ctx, message.text) || mentionsBot(ctx) || message.reply_to_message?.from?.id === ctx.me.id;
}

/** `/cmd` or `/cmd@ourbot`; `/cmd@otherbot` belongs to another bot in the same group. */
function isOurCommand(ctx: Context, text: string | undefined): boolean {
  const command = text === undefined ? null : /^\/\w+(?:@(\w+))?/.exec(text);
  return command !== null && (command[1] === undefined || command[1].toLowerCase() === ctx.me.username.toLowerCase());
}

function mentionsBot(ctx: Context): boolean {
  const message = ctx.message;
  const text = message?.text ?? message?.caption;
  const entities = message?.entities ?? message?.caption_entities ?? [];
  const handle = `@${ctx.me.username}`.toLowerCase();
  return text !== undefined && entities.some((entity) => entity.type === 'mention' && text.slice(entity.offset, entity.offset + entity.length).toLowerCase() === handle);
}

/**
 * The prompt in a plain (non-command) text message addressed to the bot, without the bot's own
 * @mention; undefined when the message is not for the bot or holds nothing but the mention.
 */
export function addressedPrompt(ctx: Context): string | undefined {
  const text = ctx.message?.text;
  if (text === undefined || text.startsWith('/') || !isAddressed(ctx)) return undefined;
  const handle = new RegExp(`@${ctx.me.username}\\b`, 'gi');
  const prompt = text.replace(handle, ' ').replace(/\s+/g, ' ').trim();
  return prompt === '' ? undefined : prompt;
}
