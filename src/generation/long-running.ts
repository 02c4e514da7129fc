import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError, type MediaKind, type Provider, type ProviderRequest, type ProviderResult } from './provider.ts';

/**
 * The shape of queue-based image APIs and video APIs: submit a job, poll its state with backoff
 * (reporting progress as it comes), fetch the result; cancel upstream when our job is cancelled.
 * An adapter implements `LongRunningBackend`; `longRunningProvider` turns it into the one Provider
 * interface the workers call, so the rest of the pipeline never knows the difference.
 */

export type PollState =
  | { state: 'queued'; position?: number }
  | { state: 'running'; progress?: number }
  | { state: 'succeeded' }
  | { state: 'failed'; error: ProviderError };

export interface LongRunningBackend {
  submit(request: ProviderRequest): Promise<{ jobId: string }>;
  poll(jobId: string, signal: AbortSignal): Promise<PollState>;
  fetch(jobId: string, signal: AbortSignal): Promise<ProviderResult>;
  /** Where the API allows it; failures are ignored (our side has already let go). */
  cancel?(jobId: string): Promise<void>;
  /**
   * Where the API pushes news (a webhook): `wake` cuts the current wait short so the job is polled
   * now. Returns the unsubscribe. Polling with backoff stays the fallback.
   */
  listen?(jobId: string, wake: () => void): () => void;
}

export interface PollingOptions {
  /** First wait between polls; doubles up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Bounds the whole job upstream: past it, the job is cancelled there and fails as a timeout. */
  deadlineMs: number;
}

export function longRunningProvider(
  identity: { name: string; kinds: ReadonlySet<MediaKind>; models: Partial<Record<MediaKind, string>> },
  backend: LongRunningBackend,
  polling: PollingOptions,
): Provider {
  return {
    ...identity,
    async generate(request) {
      const signal = request.signal ?? new AbortController().signal;
      signal.throwIfAborted();
      const { jobId } = await backend.submit(request);
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(polling.deadlineMs)]);
      // A push (webhook) ends the current wait; one that came before the wait began ends the next at once.
      let nudge = new AbortController();
      const unlisten = backend.listen?.(jobId, () => nudge.abort());
      try {
        let delay = polling.initialDelayMs;
        for (;;) {
          await sleep(delay, undefined, { signal: AbortSignal.any([deadline, nudge.signal]) }).catch((error: unknown) => {
            if (deadline.aborted || !nudge.signal.aborted) throw error;
          });
          nudge = new AbortController();
          const state = await backend.poll(jobId, deadline);
          if (state.state === 'succeeded') break;
          if (state.state === 'failed') throw state.error;
          if (state.state === 'running' && state.progress !== undefined) request.onProgress?.({ progress: state.progress });
          if (state.state === 'queued' && state.position !== undefined) request.onProgress?.({ queuePosition: state.position });
          delay = Math.min(delay * 2, polling.maxDelayMs);
        }
        return await backend.fetch(jobId, deadline);
      } catch (error) {
        if (deadline.aborted) {
          await backend.cancel?.(jobId).catch(() => undefined);
          if (!signal.aborted) throw new ProviderError('provider_timeout', `${identity.name} did not finish within ${polling.deadlineMs} ms`, { cause: error });
          // The caller's own reason (cancelled, lease lost), not the timer's AbortError.
          throw signal.reason;
        }
        throw error;
      } finally {
        unlisten?.();
      }
    },
  };
}

/**
 * One provider over a long-running API that has a model (and so a backend) per kind: each kind is
 * run through its own submit -> poll -> fetch loop; a kind with no model is `invalid_input`.
 */
export function longRunningPerKind(
  name: string,
  models: Partial<Record<MediaKind, string>>,
  backendFor: (kind: MediaKind, model: string) => LongRunningBackend,
  polling: PollingOptions,
): Provider {
  const kinds = new Set(Object.keys(models) as MediaKind[]);
  const runners = new Map<MediaKind, Provider>();
  for (const kind of kinds) runners.set(kind, longRunningProvider({ name, kinds, models }, backendFor(kind, models[kind]!), polling));
  return {
    name,
    kinds,
    models,
    generate(request) {
      const runner = runners.get(request.kind);
      if (!runner) return Promise.reject(new ProviderError('invalid_input', `${name} is not configured for ${request.kind} generation`));
      return runner.generate(request);
    },
  };
}
