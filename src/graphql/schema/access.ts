import { ACCESS_LISTS, type AccessList } from '../../access/access-lists.ts';
import type { AccessEntryView } from '../../access/access-service.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from './errors.ts';

const AccessListEnum = builder.enumType('AccessList', {
  description: 'allow: may use the bot even in invite-only mode; deny: may not use it at all (wins over everything).',
  values: Object.fromEntries(ACCESS_LISTS.map((list) => [list.toUpperCase(), { value: list }])) as Record<Uppercase<AccessList>, { value: AccessList }>,
});

const AccessEntryRef = builder.objectRef<AccessEntryView>('AccessEntry').implement({
  description: 'A user on the operator\'s allowlist or denylist, by pseudonymous id.',
  fields: (t) => ({
    userId: t.exposeID('userId'),
    list: t.field({ type: AccessListEnum, resolve: (entry) => entry.list }),
    createdAt: t.field({ type: 'DateTime', resolve: (entry) => entry.createdAt }),
  }),
});

const TELEGRAM_ID = /^[1-9]\d{0,19}$/;

builder.queryField('accessEntries', (t) =>
  t.field({
    type: [AccessEntryRef],
    description: 'The allowlist and denylist, newest first (`list` picks one). Whether the bot is invite-only is the ACCESS_MODE setting.',
    authScopes: { admin: true },
    args: { list: t.arg({ type: AccessListEnum }), first: t.arg.int({ defaultValue: 100 }) },
    resolve: (_root, { list, first }, ctx) => ctx.domain.access.entries(list ?? undefined, Math.min(Math.max(first ?? 100, 1), 1000)),
  }),
);

builder.mutationField('setUserAccess', (t) =>
  t.field({
    type: AccessEntryRef,
    nullable: true,
    description: 'Puts a Telegram user on the allowlist or the denylist, or (list: null) takes them off both. The id is pseudonymized at once and never stored; returns the entry, or null when cleared. Audited.',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { telegramUserId: t.arg.string({ required: true }), list: t.arg({ type: AccessListEnum }) },
    resolve: async (_root, { telegramUserId, list }, ctx) => {
      if (!TELEGRAM_ID.test(telegramUserId)) throw new InvalidInputError('telegramUserId', 'A Telegram user id is a positive integer.');
      return ctx.domain.access.set(ctx.services.pseudonymize(telegramUserId), list ?? null, ctx.auth?.tokenId ?? 'unknown');
    },
  }),
);
