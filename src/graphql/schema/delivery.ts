import { GraphQLError } from 'graphql';
import type { IGeneration } from '../../db/entities/generation.ts';
import { UUID_PATTERN } from '../../ids.ts';
import { builder } from '../builder.ts';
import { GenerationRef } from './generation.ts';

/**
 * How the bot gets results to chats across restarts and replicas. These act for the bot itself,
 * not for a user: the delivery reference is opaque here (sealed with a key only the bot holds).
 */

const DeliveryRef = builder.objectRef<IGeneration>('Delivery').implement({
  description: 'A finished job the calling bot now holds for two minutes, to send to its chat and then complete.',
  fields: (t) => ({
    ref: t.string({ description: 'The opaque reference the bot gave with the job.', resolve: (row) => row.delivery ?? '' }),
    generation: t.field({ type: GenerationRef, resolve: (row) => row }),
  }),
});

const badId = () => new GraphQLError('"id" is not a generation id.', { extensions: { code: 'BAD_USER_INPUT' } });

builder.mutationField('claimDelivery', (t) =>
  t.field({
    authScopes: { bot: true },
    type: DeliveryRef,
    nullable: true,
    description: 'Claims one finished job for delivery; null when it is not finished, was delivered, or another bot holds it.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      if (!UUID_PATTERN.test(String(id))) throw badId();
      return ctx.domain.deliveries.claim(String(id));
    },
  }),
);

builder.mutationField('claimPendingDeliveries', (t) =>
  t.field({
    authScopes: { bot: true },
    type: [DeliveryRef],
    description: 'Claims up to `limit` (1–50) finished jobs that were never delivered, oldest first: what finished while the bot was away.',
    args: { limit: t.arg.int({ defaultValue: 20 }) },
    resolve: async (_root, { limit }, ctx) => {
      const size = limit ?? 20;
      if (size < 1 || size > 50) throw new GraphQLError('"limit" must be between 1 and 50.', { extensions: { code: 'BAD_USER_INPUT' } });
      return ctx.domain.deliveries.claimPending(size);
    },
  }),
);

builder.mutationField('completeDelivery', (t) =>
  t.boolean({
    authScopes: { bot: true },
    description: 'Marks a job delivered and forgets its reference; false when there was nothing to complete.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      if (!UUID_PATTERN.test(String(id))) throw badId();
      return ctx.domain.deliveries.complete(String(id));
    },
  }),
);
