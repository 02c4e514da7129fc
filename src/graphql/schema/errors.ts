import { BusyError, InvalidOptionError, InvalidPromptError, ProviderUnavailableError } from '../../generation/errors.ts';
import { ERROR_CLASSES, type ErrorClass } from '../../generation/provider.ts';
import { QuotaExceededError, RateLimitedError } from '../../limits/errors.ts';
import { builder } from '../builder.ts';

/** Expected failures that are part of the schema, as union members of a field's result. */

export class NotFoundError extends Error {
  readonly resource: string;
  constructor(resource: string) {
    super(`${resource} not found.`);
    this.name = 'NotFoundError';
    this.resource = resource;
  }
}

export class InvalidInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'Every expected failure carries a human-readable message.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const InvalidPromptReason = builder.enumType('InvalidPromptReason', {
  values: ['EMPTY', 'TOO_LONG', 'CONTROL_CHARACTERS', 'UNKNOWN_STYLE', 'CONTENT_REFUSED'] as const,
});

builder.objectType(InvalidPromptError, {
  name: 'InvalidPrompt',
  interfaces: [ErrorInterface],
  description: 'The prompt or style was rejected before any provider was called (or refused by its content policy).',
  fields: (t) => ({
    reason: t.field({ type: InvalidPromptReason, resolve: (error) => error.reason }),
    maxLength: t.int({ nullable: true, resolve: (error) => error.maxLength ?? null }),
  }),
});

/** Why a generation failed: a bounded set shared by rows, metrics and analytics. */
export const ErrorClassEnum = builder.enumType('ErrorClass', {
  values: Object.fromEntries(ERROR_CLASSES.map((value) => [value.toUpperCase(), { value }])) as Record<Uppercase<ErrorClass>, { value: ErrorClass }>,
});

builder.objectType(ProviderUnavailableError, {
  name: 'ProviderUnavailable',
  interfaces: [ErrorInterface],
  description: 'No provider is configured for this kind, or the provider failed after retries.',
  fields: (t) => ({
    cause: t.field({ type: ErrorClassEnum, resolve: (error) => error.errorClass }),
    retryAfterSeconds: t.int({ nullable: true, resolve: (error) => error.retryAfterSeconds ?? null }),
  }),
});

builder.objectType(BusyError, {
  name: 'Busy',
  interfaces: [ErrorInterface],
  description: 'The generation queue is full, or the calling credential has its cap of jobs in flight; nothing was queued and no quota was used. Try again after retryAfterSeconds.',
  fields: (t) => ({
    kind: t.exposeString('kind'),
    retryAfterSeconds: t.int({ nullable: true, resolve: (error) => error.retryAfterSeconds }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFound',
  interfaces: [ErrorInterface],
  fields: (t) => ({ resource: t.exposeString('resource') }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInput',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field') }),
});

builder.objectType(InvalidOptionError, {
  name: 'InvalidOption',
  interfaces: [ErrorInterface],
  description: 'An image option is out of range (field: count, seed, aspectRatio or negativePrompt); nothing was written.',
  fields: (t) => ({ field: t.exposeString('field') }),
});

const QuotaEnum = builder.enumType('Quota', {
  values: { IMAGES: { value: 'images' }, VIDEOS: { value: 'videos' }, TEXT_TOKENS: { value: 'text_tokens' }, COST: { value: 'cost' }, TOKEN_COST: { value: 'token_cost' } } as const,
});

builder.objectType(RateLimitedError, {
  name: 'RateLimited',
  interfaces: [ErrorInterface],
  description: 'Too many requests this minute for the user\'s tier, or too many new users for the calling credential; nothing was generated.',
  fields: (t) => ({
    tier: t.exposeString('tier'),
    // Nullable only so clients can select it beside ProviderUnavailable.retryAfterSeconds; always set here.
    retryAfterSeconds: t.int({ nullable: true, resolve: (error) => error.retryAfterSeconds }),
  }),
});

builder.objectType(QuotaExceededError, {
  name: 'QuotaExceeded',
  interfaces: [ErrorInterface],
  description: 'A daily quota of the user\'s tier (or, for TOKEN_COST, the calling credential\'s daily spend cap) is used up; nothing was generated.',
  fields: (t) => ({
    tier: t.exposeString('tier'),
    quota: t.field({ type: QuotaEnum, resolve: (error) => error.quota }),
    limit: t.float({ resolve: (error) => error.limit }),
    resetsAt: t.expose('resetsAt', { type: 'DateTime' }),
  }),
});
