import { GraphQLError } from 'graphql';
import { BROADCAST_MAX_LENGTH, type BroadcastReport, type ClaimedMessage } from '../../broadcasts/broadcasts.ts';
import { UUID_PATTERN } from '../../ids.ts';
import { builder } from '../builder.ts';
import { InvalidInputError } from './errors.ts';

const bad = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

builder.mutationField('setNewsSubscription', (t) =>
  t.boolean({
    authScopes: { bot: true },
    description: 'Subscribes the acting user to the operator\'s broadcasts (ref: where the bot sends them, opaque to the API, at most 512 characters) or, with null, unsubscribes them. Returns whether they are subscribed.',
    args: { ref: t.arg.string() },
    resolve: async (_root, { ref }, ctx) => {
      if (ref != null && (ref.length === 0 || ref.length > 512)) throw bad('"ref" is 1 to 512 characters.');
      const user = await ctx.user();
      await ctx.domain.broadcasts.setNewsRef(user.id, ref ?? null);
      return ref != null;
    },
  }),
);

const BroadcastReportRef = builder.objectRef<BroadcastReport>('Broadcast').implement({
  description: 'A message to every subscriber, and how far its sending got.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.field({ type: 'DateTime', resolve: (report) => report.createdAt }),
    recipients: t.exposeInt('recipients', { description: 'Subscribers when it was created.' }),
    sent: t.exposeInt('sent'),
    failed: t.exposeInt('failed', { description: 'Telegram refused (the user blocked the bot, the chat is gone).' }),
    skipped: t.exposeInt('skipped', { description: 'Unsubscribed before their turn came.' }),
    pending: t.exposeInt('pending'),
  }),
});

builder.mutationField('createBroadcast', (t) =>
  t.field({
    type: BroadcastReportRef,
    description: `Queues a message (plain text, 1-${BROADCAST_MAX_LENGTH} characters) for every user subscribed now; the bot sends it at Telegram's pace. Audited.`,
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: { text: t.arg.string({ required: true }) },
    resolve: async (_root, { text }, ctx) => {
      if (text.trim() === '' || text.length > BROADCAST_MAX_LENGTH) throw new InvalidInputError('text', `A broadcast is 1 to ${BROADCAST_MAX_LENGTH} characters.`);
      return ctx.domain.broadcasts.create(text, ctx.auth?.tokenId ?? 'unknown');
    },
  }),
);

builder.queryField('broadcasts', (t) =>
  t.field({
    type: [BroadcastReportRef],
    description: 'The latest broadcasts, newest first, with their progress.',
    authScopes: { admin: true },
    args: { first: t.arg.int({ defaultValue: 20 }) },
    resolve: (_root, { first }, ctx) => ctx.domain.broadcasts.reports(Math.min(Math.max(first ?? 20, 1), 100)),
  }),
);

const BroadcastMessageRef = builder.objectRef<ClaimedMessage>('BroadcastMessage').implement({
  description: 'One broadcast for one subscriber, held by the calling bot for a minute: send it, then complete it.',
  fields: (t) => ({ id: t.exposeID('id'), ref: t.exposeString('ref'), text: t.exposeString('text') }),
});

builder.mutationField('claimBroadcastMessages', (t) =>
  t.field({
    type: [BroadcastMessageRef],
    authScopes: { bot: true },
    description: 'Claims up to `limit` (1-100) broadcast messages waiting to be sent.',
    args: { limit: t.arg.int({ required: true }) },
    resolve: (_root, { limit }, ctx) => {
      if (limit < 1 || limit > 100) throw bad('"limit" is 1 to 100.');
      return ctx.domain.broadcasts.claim(limit);
    },
  }),
);

builder.mutationField('completeBroadcastMessage', (t) =>
  t.boolean({
    authScopes: { bot: true },
    description: 'Records that a claimed broadcast message was sent, or (sent: false) that Telegram refused it. False when it was not pending.',
    args: { id: t.arg.id({ required: true }), sent: t.arg.boolean({ required: true }) },
    resolve: (_root, { id, sent }, ctx) => {
      if (!UUID_PATTERN.test(String(id))) throw bad('"id" is not a broadcast message id.');
      return ctx.domain.broadcasts.complete(String(id), sent);
    },
  }),
);
