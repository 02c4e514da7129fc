import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MediaAsset } from './media-asset.ts';
import { User } from './user.ts';

/**
 * One row per interaction, success or failure, and the only record of an image or video job: it moves
 * QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (generation/queue.ts). The prompt is only ever
 * stored redacted.
 */
export const Generation = defineEntity({
  name: 'Generation',
  tableName: 'generations',
  // (fingerprint, user, createdAt) answers "distinct users per prompt group" from the index alone, and
  // serves lookups by fingerprint alone too (its prefix): every index is written on every insert.
  // (status, kind, id) is the queue: workers claim the oldest queued rows of their kind (ids are UUIDv7).
  indexes: [
    { properties: ['user', 'createdAt'] }, { properties: ['createdAt'] }, { properties: ['promptFingerprint', 'user', 'createdAt'] },
    { properties: ['status', 'kind', 'id'] },
    // Per-token caps: a token's jobs in flight and its spend today.
    { properties: ['apiTokenId', 'status'] }, { properties: ['apiTokenId', 'createdAt'] },
    // Analytics reads what changed since its last answer (analytics/live-rows.ts).
    { properties: ['changeSeq'] },
  ],
  properties: {
    id: p.string().length(36).primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    kind: p.string().length(16),
    command: p.string().length(32),
    provider: p.string().length(32),
    model: p.string().length(64),
    style: p.string().length(32),
    theme: p.string().length(32),
    requestedStyles: p.string().length(255).nullable(),
    status: p.string().length(16),
    errorClass: p.string().length(32).nullable(),
    latencyMs: p.integer(),
    inputTokens: p.integer().nullable(),
    outputTokens: p.integer().nullable(),
    costUsd: p.decimal('number').precision(14).scale(6).nullable(),
    costUnknown: p.boolean().default(false),
    promptRedacted: p.text().nullable(),
    promptFingerprint: p.string().length(32),
    promptLength: p.integer(),
    media: () => p.manyToOne(MediaAsset).nullable().deleteRule('set null').index(),
    /** The user's picture an edit starts from (the worker reads its bytes); set null when it is deleted. */
    sourceMedia: () => p.manyToOne(MediaAsset).nullable().deleteRule('set null'),
    rating: p.smallint().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** 0–1 while running, when the provider reports it. */
    progress: p.double().nullable(),
    /** What the user asked for (generation/image-options.ts); null: not asked, the provider's default. */
    aspectRatio: p.string().length(16).nullable(),
    seed: p.integer().nullable(),
    /** Images asked for (1–4); null means 1. The images are the media assets pointing back here. */
    imageCount: p.smallint().nullable(),
    /** Redacted like the prompt and cleared with it when the prompt-text window ends. */
    negativePromptRedacted: p.text().nullable(),
    /** Another take on the same prompt (1, 2, …): varies a deterministic renderer's seed. */
    variant: p.smallint().nullable(),
    /** Times a worker claimed the job; a second expired lease fails it. */
    attempts: p.smallint().default(0),
    /** The worker holding the job while it runs; kept afterwards as the worker that finished it. */
    leaseOwner: p.string().length(64).nullable(),
    leaseExpiresAt: p.datetime().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    queueWaitMs: p.integer().nullable(),
    /** A failed job's hint for when to try again (the provider's Retry-After, or an open circuit's rest). */
    retryAfterSeconds: p.integer().nullable(),
    providerMs: p.integer().nullable(),
    /** W3C traceparent of the request that enqueued the job: the worker's span links to it. */
    traceparent: p.string().length(64).nullable(),
    /** Opaque to the API: where the bot delivers the result, encrypted with a key only the bot holds. */
    delivery: p.string().length(512).nullable(),
    deliveryClaimedUntil: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    /** The credential that asked for it (an API token id or `jwt:<sub>`): its caps count these rows. */
    apiTokenId: p.string().length(64).nullable(),
    /**
     * Set by database triggers (the migration `generation_change_stamp`), never by the application:
     * on insert and on every update of a column analytics reads, a stamp that orders changes across
     * every writer and replica (SQLite: a counter, the database has one writer; PostgreSQL: the
     * writing transaction's id). Analytics aggregates today incrementally from it.
     */
    changeSeq: p.bigint('number').default(0),
  },
});

export type IGeneration = InferEntity<typeof Generation>;
