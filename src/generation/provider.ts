/** The one interface every generation backend implements; adapters live in providers/, one file each. */

import type { AspectRatio } from './image-options.ts';

export type MediaKind = 'image' | 'video' | 'text';

/**
 * Bounded set of failure classes: they become metric labels, a schema enum and analytics dimensions,
 * all derived from this list. `queue_full`: refused with Busy; `interrupted`: the job's worker was lost
 * twice (expired leases).
 */
export const ERROR_CLASSES = [
  'invalid_input', 'provider_unavailable', 'provider_timeout', 'provider_rate_limited', 'provider_error',
  'content_refused', 'malformed_response', 'rate_limited', 'quota_exceeded', 'queue_full', 'interrupted', 'internal',
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ProviderRequest {
  kind: MediaKind;
  /** Already redacted: providers never see the raw text a user typed. */
  prompt: string;
  /** Catalog style id, e.g. `oil-painting`; providers map it to their own prompt modifiers. */
  style: string;
  /** Extra prompt words for the style (from the catalog). */
  stylePrompt: string;
  /** Earlier turns for text generation (oldest first). */
  history?: readonly ChatTurn[];
  /**
   * A user's image: for `image`, the picture to edit with the prompt as the instruction (providers
   * with `edits`); for `text`, the picture the question is about (providers with `vision`).
   * Only sent to providers that declare the capability (see generate.ts and fallback.ts).
   */
  sourceImage?: { bytes: Uint8Array; mimeType: string };
  /**
   * What the user asked for (image-options.ts). Each adapter maps what its API supports and ignores
   * the rest; absent means the provider's (or the configured) default.
   */
  aspectRatio?: AspectRatio | undefined;
  seed?: number | undefined;
  /** Already redacted, like the prompt. */
  negativePrompt?: string | undefined;
  /**
   * Which image of a multi-image request this call makes (0 first; image-batch.ts makes one call per
   * image). Providers with random seeds need nothing from it; a deterministic renderer varies by it.
   */
  take?: number | undefined;
  /** Asks for another take on the same prompt and style (1, 2, …); deterministic renderers vary their seed. */
  variant?: number;
  /** Aborted when the job is cancelled or its worker loses the lease; long-running providers cancel upstream. */
  signal?: AbortSignal;
  /** Long-running providers report progress (0–1) and their own queue position as they go. */
  onProgress?: (update: ProgressUpdate) => void;
  /** Text only: a provider that can stream calls it with the answer so far as it grows. */
  onText?: (textSoFar: string) => void;
}

export interface ProgressUpdate {
  /** 0–1 when known. */
  progress?: number;
  /** The provider's own queue (e.g. fal's `queue_position`): ahead of us upstream, 0 = next. */
  queuePosition?: number;
}

export interface GeneratedMedia {
  bytes: Uint8Array;
  mimeType: string;
  width?: number;
  height?: number;
}

export interface ProviderResult {
  /** Provider id as recorded in rows and labels, e.g. `procedural`, `openai`, `sdwebui`. */
  provider: string;
  model: string;
  media?: GeneratedMedia;
  text?: string;
  usage?: { inputTokens?: number; outputTokens?: number };
  /** Image size as priced, e.g. `1024x1024`, when the provider bills per image size. */
  size?: string;
  /** Video length as billed, when the provider prices video per second. */
  videoSeconds?: number;
  /**
   * The call spent a credit with no USD list price (e.g. Pollinations "pollen" with a key): its
   * cost is recorded as unknown, whatever the cost table says about the provider's free use.
   */
  unpriced?: boolean;
  /** Compute time the provider reports for the job (Replicate `predict_time`, fal `timings.inference`). */
  computeSeconds?: number;
}

export interface Provider {
  readonly name: string;
  readonly kinds: ReadonlySet<MediaKind>;
  /** The model requested for each kind, from configuration: names spans and bounds metric labels. */
  readonly models: Partial<Record<MediaKind, string>>;
  /** Edits an image (`sourceImage` with kind `image`). */
  readonly edits?: boolean;
  /** Answers a question about an image (`sourceImage` with kind `text`). */
  readonly vision?: boolean;
  /** Present on a fallback chain: its providers, in the order they are tried (see fallback.ts). */
  readonly members?: readonly Provider[];
  generate(request: ProviderRequest): Promise<ProviderResult>;
  /** Present on a fallback chain: the same chain with the member named `name` tried first (see fallback.ts). */
  prefer?(name: string): Provider;
}

/** Whether `provider` can take this request's image: edits for images, vision for text. */
export function acceptsSourceImage(provider: Pick<Provider, 'edits' | 'vision'>, kind: MediaKind): boolean {
  return kind === 'image' ? provider.edits === true : kind === 'text' ? provider.vision === true : false;
}

export class ProviderError extends Error {
  readonly errorClass: ErrorClass;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** Set by a fallback chain: which of its providers gave this final answer. */
  readonly provider: string | undefined;

  constructor(
    errorClass: ErrorClass,
    message: string,
    options: { status?: number | undefined; retryAfterSeconds?: number | undefined; cause?: unknown; provider?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.errorClass = errorClass;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.provider = options.provider;
  }
}
