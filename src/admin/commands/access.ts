import type { Command } from '../command.ts';
import { apiError, usageError } from '../errors.ts';
import { table, timestamp } from '../format.ts';
import { ACCESS_ENTRIES, SET_ACCESS } from '../operations.ts';

function telegramId(value: string): string {
  if (!/^[1-9]\d{0,19}$/.test(value)) throw usageError(`A Telegram user id is a positive integer (got "${value}").`);
  return value;
}

/** `access allow|deny|clear <telegram-user-id>`: one command per verb, the same mutation behind them. */
function setCommand(verb: 'allow' | 'deny' | 'clear', summary: string): Command {
  return {
    name: `access ${verb}`,
    summary,
    usage: '<telegram-user-id>',
    details: ['The id is sent to the API, pseudonymized there at once and never stored.'],
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx) {
      const list = verb === 'clear' ? null : verb === 'allow' ? 'ALLOW' : 'DENY';
      const data = await ctx.api().graphql(SET_ACCESS, { telegramUserId: telegramId(ctx.positionals[0]!), list });
      const result = data.setUserAccess;
      if (result === null) return { json: null, text: 'Removed from the allowlist and the denylist.\n' };
      if (result.__typename !== 'AccessEntry') throw apiError(result.message);
      return { json: result, text: `${result.list === 'ALLOW' ? 'Allowed' : 'Denied'}: user ${result.userId}.\n` };
    },
  };
}

export const accessAllowCommand = setCommand('allow', 'let a Telegram user use the bot even in invite-only mode (admin)');
export const accessDenyCommand = setCommand('deny', 'stop a Telegram user from using the bot at all (admin)');
export const accessClearCommand = setCommand('clear', 'take a Telegram user off both lists (admin)');

export const accessListCommand: Command = {
  name: 'access list',
  summary: 'the allowlist and the denylist, by pseudonymous id (admin)',
  usage: '[--limit N]',
  details: ['--limit N   entries to show, 1-1000 (default 100)'],
  options: { limit: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const limit = Number(ctx.values['limit'] ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError('--limit must be an integer from 1 to 1000.');
    const data = await ctx.api().graphql(ACCESS_ENTRIES, { first: limit });
    const text = table(data.accessEntries, [
      { header: 'list', value: (entry) => entry.list.toLowerCase() },
      { header: 'since', value: (entry) => timestamp(entry.createdAt) },
      { header: 'user (pseudonym)', value: (entry) => entry.userId },
    ], '(nobody on either list)');
    return { json: data.accessEntries, text };
  },
};
