/**
 * The `procedural` provider: the embedded default that needs no network, key or GPU. It is an offline
 * renderer, not AI: a landscape is composed from a hash of the prompt (sky, sun or moon, clouds, ridges,
 * sea, trees, skyline; a few prompt words such as "night" or "sea" steer it) and painted with a
 * per-style technique. Same prompt and style give the same bytes. Images are PNG; videos are looping
 * GIF animations, which Telegram plays through sendAnimation. The renderer lives in ./procedural/:
 * scene.ts (prompt → scene) → layout.ts → raster.ts → techniques.ts (per-style finish), driven by render.ts
 * in the worker threads of render-pool.ts.
 *
 * Options: honours aspect ratio (the configured size is the longer side) and seed (the same seed
 * gives the same picture); ignores the negative prompt.
 */
import { longRunningProvider, type LongRunningBackend } from '../long-running.ts';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';
import type { RenderedMedia, RenderJob } from './procedural/render.ts';
import { createRenderPool } from './procedural/render-pool.ts';
import { editImageOffline } from './procedural/edit.ts';

export interface ProceduralOptions {
  /** Side of the square PNG, in pixels (default 512). */
  imageSize?: number;
  /** Side of the square GIF, in pixels (default 256). */
  videoSize?: number;
  /** Frames in one loop of the GIF (default 24). */
  videoFrames?: number;
  /**
   * Slow mode: each job takes this long, run through the submit → poll → fetch shape of a queue-based
   * API with progress, so the whole asynchronous pipeline can be watched and tested offline.
   */
  delayMs?: number;
  /**
   * Worker threads that draw and encode (default: one per core but one, at most 4). 0 renders on the
   * event loop, where every other request waits ~120 ms behind each image.
   */
  renderThreads?: number;
}

const NAME = 'procedural';
const MODEL = 'procedural-v1';

export function createProceduralProvider(options: ProceduralOptions = {}): Provider {
  const instant = createInstantProvider(options);
  const delayMs = options.delayMs ?? 0;
  const provider = delayMs <= 0 ? instant : longRunningProvider(instant, slowBackend(instant, delayMs), { initialDelayMs: Math.min(250, delayMs / 4), maxDelayMs: 1000, deadlineMs: delayMs * 10 + 60_000 });
  // Edits: a deterministic filter picked from the instruction (procedural/edit.ts), so /edit works offline.
  return {
    ...provider,
    edits: true,
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      if (!request.sourceImage || request.kind !== 'image') return provider.generate(request);
      request.signal?.throwIfAborted();
      return { provider: NAME, model: MODEL, media: await editImageOffline(request.sourceImage, request.prompt) };
    },
  };
}

/** A local stand-in for a queue-based API: a job is "rendering" until its delay has passed. */
function slowBackend(instant: Provider, delayMs: number): LongRunningBackend {
  const jobs = new Map<string, { request: ProviderRequest; readyAt: number; submittedAt: number }>();
  let next = 0;
  return {
    async submit(request) {
      const jobId = `procedural-${++next}`;
      jobs.set(jobId, { request: { ...request, signal: undefined, onProgress: undefined }, submittedAt: Date.now(), readyAt: Date.now() + delayMs });
      return { jobId };
    },
    async poll(jobId) {
      const job = jobs.get(jobId);
      if (!job) return { state: 'failed', error: new ProviderError('provider_error', 'unknown job') };
      const now = Date.now();
      return now >= job.readyAt ? { state: 'succeeded' } : { state: 'running', progress: (now - job.submittedAt) / delayMs };
    },
    async fetch(jobId, signal) {
      const job = jobs.get(jobId);
      jobs.delete(jobId);
      if (!job) throw new ProviderError('provider_error', 'unknown job');
      return instant.generate({ ...job.request, signal });
    },
    async cancel(jobId) {
      jobs.delete(jobId);
    },
  };
}

function createInstantProvider(options: ProceduralOptions): Provider {
  const imageSize = checkedSize('imageSize', options.imageSize ?? 512, 16, 2048);
  const videoSize = checkedSize('videoSize', options.videoSize ?? 256, 16, 1024);
  const videoFrames = checkedSize('videoFrames', options.videoFrames ?? 24, 1, 240);
  const kinds: ReadonlySet<MediaKind> = new Set<MediaKind>(['image', 'video']);
  const pool = options.renderThreads === 0 ? undefined : createRenderPool(options.renderThreads === undefined ? {} : { threads: options.renderThreads });

  return {
    name: NAME,
    kinds,
    models: { image: MODEL, video: MODEL },
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      if (request.kind !== 'image' && request.kind !== 'video') {
        throw new ProviderError('invalid_input', `${NAME} renders images and videos offline; it has no ${request.kind} model`);
      }
      const signal = request.signal;
      signal?.throwIfAborted();
      // A variant, a seed or the next image of an album changes the seed, not the words: the scene keeps the prompt's hints.
      const seedText = [
        request.prompt,
        ...(request.variant ? [`variant ${request.variant}`] : []),
        ...(request.seed !== undefined ? [`seed ${request.seed}`] : request.take ? [`take ${request.take}`] : []),
      ].join('\u0000');
      // The aspect ratio shapes the canvas (the configured size is its longer side); a negative prompt has no meaning here.
      const job: RenderJob = request.kind === 'image'
        ? { kind: 'image', seedText, style: request.style, size: imageSize, aspect: request.aspectRatio, frames: 1 }
        : { kind: 'video', seedText, style: request.style, size: videoSize, aspect: request.aspectRatio, frames: videoFrames };
      const media = pool ? await pool.render(job, signal) : await renderInline(job, signal);
      return { provider: NAME, model: MODEL, media };
    },
  };
}

/**
 * The event loop does the drawing itself: only for `renderThreads: 0` (tools and tests that want one
 * thread). The renderer is imported here, not at the top: with the pool it runs in the worker threads
 * only, and the API's own thread never holds its modules.
 */
async function renderInline(job: RenderJob, signal: AbortSignal | undefined): Promise<RenderedMedia> {
  const { RenderCancelled, renderMedia } = await import('./procedural/render.ts');
  try {
    return renderMedia(job, () => signal?.aborted === true);
  } catch (error) {
    if (error instanceof RenderCancelled && signal?.aborted) throw signal.reason;
    throw error;
  }
}

function checkedSize(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}
