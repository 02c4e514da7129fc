import type { SqlEntityManager } from '@mikro-orm/sql';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Link } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { Generation, type IGeneration } from '../../db/entities/generation.ts';
import { findOneBy } from '../../db/find-one-by.ts';
import type { IMediaAsset } from '../../db/entities/media-asset.ts';
import type { Limiter } from '../../limits/limiter.ts';
import type { MediaStore } from '../../media/media-store.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import { TRACER_NAME } from '../../telemetry/tracing.ts';
import type { CostTable } from '../cost.ts';
import { ProviderUnavailableError } from '../errors.ts';
import { classifyProviderFailure, storeMedia, type ClassifiedFailure } from '../outcome.ts';
import { operationName } from '../provider-call.ts';
import { callForImages } from '../image-batch.ts';
import { optionsFromColumns } from '../image-options.ts';
import { ProviderError, type MediaKind, type Provider, type ProviderResult } from '../provider.ts';
import { loadOwnMedia } from '../../media/uploads.ts';
import { findStyle } from '../styles.ts';
import { preferring, servedModel } from '../fallback.ts';
import type { GenerationEvents } from './events.ts';
import { renewLease } from './job-store.ts';

export interface JobRunnerDeps {
  providers: Partial<Record<MediaKind, Provider | undefined>>;
  mediaStore: MediaStore;
  costs: CostTable;
  limiter: Limiter;
  mediaRetentionHours: number;
  events: GenerationEvents;
  /** This process's worker identity, written into the leases it holds. */
  owner: string;
  leaseMs: number;
  metrics?: Metrics | undefined;
  logger?: Logger | undefined;
  now: () => Date;
}

/** Progress is written at most this often per job: enough for a progress bar, cheap for the database. */
const PROGRESS_EVERY_MS = 500;

class JobLost extends Error {
  constructor() {
    super('the job was cancelled or taken over while it ran');
    this.name = 'JobLost';
  }
}

/**
 * Runs one job this process has claimed, to its end: provider call (with progress, a heartbeat that
 * keeps the lease, and an abort when the job is cancelled or the lease lost), then media and row in
 * one transaction. Every write is conditional on still holding the lease, so a job that was
 * cancelled, or taken over after an expired lease, is never finished twice.
 */
export async function runJob(deps: JobRunnerDeps, em: SqlEntityManager, id: string, stop: AbortSignal): Promise<void> {
  // Once per job: findOneBy skips MikroORM's query building (src/db/find-one-by.ts).
  const row = await findOneBy(em, Generation, 'id', id);
  if (!row || row.status !== 'running' || row.leaseOwner !== deps.owner) return;
  // A trace of its own per run (a job outlives the request by minutes), linked to the request that queued it.
  const attributes = { 'atelier.generation.kind': row.kind, 'atelier.generation.attempt': row.attempts };
  return trace.getTracer(TRACER_NAME).startActiveSpan(`generation.run ${row.kind}`, { kind: SpanKind.CONSUMER, root: true, links: linksFrom(row.traceparent), attributes }, async (span) => {
    try {
      const status = await run(deps, em, row, stop);
      span.setAttribute('atelier.generation.status', status);
      if (status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR });
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

async function run(deps: JobRunnerDeps, em: SqlEntityManager, row: IGeneration, stop: AbortSignal): Promise<string> {
  const id = row.id;
  const kind = row.kind as MediaKind;
  const provider = deps.providers[kind];
  const startedAt = row.startedAt ?? deps.now();
  const queueWaitMs = Math.max(0, startedAt.getTime() - row.createdAt.getTime());
  deps.metrics?.observeJobStarted(kind, queueWaitMs / 1000);
  deps.events.publish({ id, kind, status: 'running' });

  const controller = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  stop.addEventListener('abort', onStop, { once: true });
  const heartbeat = setInterval(() => {
    renewLease(em.fork(), id, deps.owner, new Date(deps.now().getTime() + deps.leaseMs))
      .then((held) => {
        if (!held) controller.abort(new JobLost());
      })
      .catch((error: unknown) => deps.logger?.warn({ err_name: error instanceof Error ? error.name : typeof error, generation_id: id }, 'lease renewal failed'));
  }, Math.max(100, Math.floor(deps.leaseMs / 3)));

  let lastProgressAt = 0;
  const onProgress = ({ progress }: { progress?: number }) => {
    const time = Date.now();
    if (progress === undefined || !Number.isFinite(progress) || time - lastProgressAt < PROGRESS_EVERY_MS) return;
    lastProgressAt = time;
    em.fork().nativeUpdate(Generation, { id, status: 'running', leaseOwner: deps.owner }, { progress: Math.min(1, Math.max(0, progress)) })
      .then((updated) => {
        if (updated > 0) deps.events.publish({ id, kind, status: 'progress' });
      })
      .catch(() => undefined);
  };

  try {
    if (!provider) {
      await finishFailed(deps, em, row, classifyProviderFailure(new Error('no provider for this kind')), { queueWaitMs, seconds: 0 });
      return 'failed';
    }
    const style = findStyle(row.style);
    // An edit reads its picture now: erased or expired since it was queued, the job fails as bad input.
    const source = row.sourceMedia
      ? await loadOwnMedia(em, deps.mediaStore, row.user.id, row.sourceMedia.id, 'image', { retentionHours: deps.mediaRetentionHours, now: deps.now() })
      : undefined;
    if (source === null) {
      await finishFailed(deps, em, row, classifyProviderFailure(new ProviderError('invalid_input', 'the picture to edit is gone')), { queueWaitMs, seconds: 0 }, provider);
      return 'failed';
    }
    const options = optionsFromColumns(row);
    // The row names the provider to try first: the user's `/model` pick, or the chain's own first.
    const chain = preferring(provider, row.provider);
    const call = await callForImages(chain, {
      kind, prompt: row.promptRedacted ?? '', style: row.style, stylePrompt: style?.prompt ?? '',
      aspectRatio: options.aspectRatio, seed: options.seed, negativePrompt: options.negativePrompt,
      ...(row.variant ? { variant: row.variant } : {}), signal: controller.signal, onProgress,
      ...(source ? { sourceImage: { bytes: source.bytes, mimeType: source.asset.mimeType } } : {}),
    }, kind === 'image' ? (options.count ?? 1) : 1);
    // Cancelled, taken over or shutting down: whoever aborted us owns the row now.
    if (controller.signal.aborted) return 'abandoned';
    const timing = { queueWaitMs, seconds: call.seconds };
    if (call.results.length === 0) {
      const failure = classifyProviderFailure(call.error);
      if (failure.errorClass === 'internal') deps.logger?.error({ err: call.error, generation_id: id }, 'provider failed unexpectedly');
      await finishFailed(deps, em, row, failure, timing, chain);
      return failure.status;
    }
    if (call.error !== undefined) {
      // Some images of the album were made: the user gets those (and pays only for those).
      deps.logger?.warn({ generation_id: id, made: call.results.length, asked: options.count, error_type: classifyProviderFailure(call.error).errorClass }, 'an album stopped early');
    }
    return await finishSucceeded(deps, em, row, call.results, timing, chain);
  } finally {
    clearInterval(heartbeat);
    stop.removeEventListener('abort', onStop);
  }
}

/** How long the job waited for a worker, and how long its provider call took. */
interface Timing {
  queueWaitMs: number;
  seconds: number;
}

async function finishSucceeded(deps: JobRunnerDeps, em: SqlEntityManager, row: IGeneration, results: ProviderResult[], timing: Timing, provider: Provider): Promise<string> {
  const kind = row.kind as MediaKind;
  const finishedAt = deps.now();
  const result = combine(results, (one) => (one.unpriced ? { usd: null } : deps.costs.estimate({
    provider: one.provider, model: one.model, kind, size: one.size,
    inputTokens: one.usage?.inputTokens, outputTokens: one.usage?.outputTokens, seconds: one.videoSeconds,
  })));
  const cost = { usd: result.costUsd };
  const storageKeys: string[] = [];
  try {
    // The bytes are written before the transaction opens, so no database lock is held through file I/O.
    const assets: IMediaAsset[] = [];
    for (const [position, media] of result.media.entries()) {
      const asset = await storeMedia(em, deps.mediaStore, media, { userId: row.user.id, at: finishedAt, retentionHours: deps.mediaRetentionHours });
      storageKeys.push(asset.storageKey);
      // Every image of the album names its generation: keepMedia and the album delivery find them all.
      asset.generationId = row.id;
      asset.position = position;
      assets.push(asset);
    }
    const media = assets[0] ?? null;
    await em.transactional(async (tx) => {
      if (assets.length > 0) {
        for (const asset of assets) tx.persist(asset);
        await tx.flush();
      }
      const updated = await tx.nativeUpdate(Generation, { id: row.id, status: 'running', leaseOwner: deps.owner }, {
        status: 'succeeded', provider: result.provider, model: result.model.slice(0, 64), media: media?.id ?? null,
        latencyMs: finishedAt.getTime() - row.createdAt.getTime(), ...timingColumns(timing), progress: 1, finishedAt,
        inputTokens: result.usage?.inputTokens ?? null, outputTokens: result.usage?.outputTokens ?? null,
        costUsd: cost.usd, costUnknown: cost.usd === null, leaseExpiresAt: null,
      });
      if (updated === 0) throw new JobLost();
      // An album that stopped early gives back the images it did not make.
      const unmade = (row.imageCount ?? 1) - result.media.length;
      if (kind === 'image' && unmade > 0) await deps.limiter.refund(tx, row.user.id, kind, row.createdAt, { countFailure: false, units: unmade });
      await deps.limiter.settle(tx, row.user.id, row.createdAt, { inputTokens: result.usage?.inputTokens ?? 0, outputTokens: result.usage?.outputTokens ?? 0, costUsd: cost.usd });
    });
  } catch (error) {
    for (const storageKey of storageKeys) await deps.mediaStore.delete(storageKey).catch(() => undefined);
    if (error instanceof JobLost) return 'abandoned';
    deps.logger?.error({ err: error, generation_id: row.id }, 'storing a generation failed');
    await finishFailed(deps, em.fork(), row, classifyProviderFailure(new Error('store failed')), timing, provider);
    return 'failed';
  }
  deps.events.publish({ id: row.id, kind, status: 'succeeded' });
  deps.metrics?.observeJobState(kind, 'succeeded');
  deps.metrics?.observeGeneration({
    kind, style: row.style, theme: row.theme, status: 'succeeded', provider: result.provider, model: servedModel(provider, result.provider, kind),
    operation: operationName(kind), durationSeconds: timing.seconds, inputTokens: result.usage?.inputTokens, outputTokens: result.usage?.outputTokens, costUsd: cost.usd,
    computeSeconds: result.computeSeconds,
  });
  return 'succeeded';
}

async function finishFailed(deps: JobRunnerDeps, em: SqlEntityManager, row: IGeneration, failure: ClassifiedFailure, timing: Timing, provider?: Provider): Promise<void> {
  const kind = row.kind as MediaKind;
  const finishedAt = deps.now();
  const done = await em.transactional(async (tx) => {
    const updated = await tx.nativeUpdate(Generation, { id: row.id, status: 'running', leaseOwner: deps.owner }, {
      status: failure.status, errorClass: failure.errorClass, latencyMs: finishedAt.getTime() - row.createdAt.getTime(),
      ...(failure.provider ? { provider: failure.provider } : {}),
      retryAfterSeconds: failure.error instanceof ProviderUnavailableError ? (failure.error.retryAfterSeconds ?? null) : null,
      ...timingColumns(timing), finishedAt, leaseExpiresAt: null,
      // A refused prompt keeps no text, like every other rejection.
      ...(failure.status === 'rejected' ? { promptRedacted: null, negativePromptRedacted: null, requestedStyles: null } : {}),
    });
    if (updated > 0) await deps.limiter.refund(tx, row.user.id, kind, row.createdAt, { countFailure: true, units: row.imageCount ?? 1 });
    return updated > 0;
  });
  if (!done) return;
  deps.events.publish({ id: row.id, kind, status: failure.status });
  deps.metrics?.observeJobState(kind, failure.status);
  deps.metrics?.observeGeneration({
    kind, style: row.style, theme: row.theme, status: failure.status, provider: failure.provider ?? provider?.name ?? 'none',
    model: provider ? servedModel(provider, failure.provider ?? provider.name, kind) : 'none',
    operation: operationName(kind), durationSeconds: provider ? timing.seconds : undefined, errorType: failure.errorClass,
  });
}

/**
 * One request's results as one: the first names provider and model; cost, tokens and compute time
 * add up (one unknown price makes the total unknown, never a guessed 0).
 */
function combine(results: ProviderResult[], price: (result: ProviderResult) => { usd: number | null }) {
  const first = results[0]!;
  const sum = (pick: (result: ProviderResult) => number | undefined) => {
    const values = results.map(pick).filter((value): value is number => value !== undefined);
    return values.length === 0 ? undefined : values.reduce((total, value) => total + value, 0);
  };
  const prices = results.map((one) => price(one).usd);
  const inputTokens = sum((one) => one.usage?.inputTokens);
  const outputTokens = sum((one) => one.usage?.outputTokens);
  return {
    provider: first.provider,
    model: first.model,
    media: results.flatMap((one) => (one.media ? [one.media] : [])),
    costUsd: prices.some((usd) => usd === null) ? null : prices.reduce<number>((total, usd) => total + (usd ?? 0), 0),
    usage: inputTokens === undefined && outputTokens === undefined ? undefined : { inputTokens, outputTokens },
    computeSeconds: sum((one) => one.computeSeconds),
  };
}

function timingColumns(timing: Timing) {
  return { queueWaitMs: timing.queueWaitMs, providerMs: Math.round(timing.seconds * 1000) };
}

/** The enqueuing request's span, read back through the process's propagator. */
function linksFrom(traceparent: string | null | undefined): Link[] {
  const spanContext = traceparent ? trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent })) : undefined;
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}
