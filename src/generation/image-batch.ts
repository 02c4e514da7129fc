/**
 * 1–4 images for one request: one provider call per image, one after another. Few image APIs make
 * several images per call in the same way (OpenAI's dall-e-3 refuses `n` > 1, Pollinations and
 * Stability have no such parameter), and a keyless Pollinations serves one request at a time per
 * IP, so calls in a row work everywhere. Each call is its own `generate_content` span.
 */
import { SEED_MAX } from './image-options.ts';
import { callProvider } from './provider-call.ts';
import type { ProgressUpdate, Provider, ProviderRequest, ProviderResult } from './provider.ts';

export interface BatchCall {
  /** What was made, in order; empty when the first call failed. */
  results: ProviderResult[];
  /** Why the first call failed (the job fails), or why the batch stopped early (the job keeps what was made). */
  error?: unknown;
  seconds: number;
}

export async function callForImages(provider: Provider, request: ProviderRequest, count: number): Promise<BatchCall> {
  const results: ProviderResult[] = [];
  let seconds = 0;
  for (let take = 0; take < count; take++) {
    // A fixed seed gives each image its own (seed, seed + 1, …): the same request makes the same album.
    const seed = request.seed === undefined ? undefined : (request.seed + take) % (SEED_MAX + 1);
    // Progress runs over the whole album: the second of two images starts at 50 %.
    const onProgress = request.onProgress && count > 1
      ? (update: ProgressUpdate) => request.onProgress!({ ...update, ...(update.progress === undefined ? {} : { progress: (take + update.progress) / count }) })
      : request.onProgress;
    const call = await callProvider(provider, { ...request, ...(take === 0 ? {} : { take, ...(seed === undefined ? {} : { seed }) }), ...(onProgress ? { onProgress } : {}) });
    seconds += call.seconds;
    if (!call.result) return { results, error: call.error, seconds };
    results.push(call.result);
    if (request.signal?.aborted) break;
  }
  return { results, seconds };
}
