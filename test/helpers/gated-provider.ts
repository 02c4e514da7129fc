import { encodePng } from '../../src/media/png.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../../src/generation/provider.ts';

/**
 * A provider whose calls stay open until the test lets them finish (or fail): the slow AI service
 * of the queue tests. It counts calls in flight and sees the abort signal the workers pass.
 */
export interface GatedCall {
  request: ProviderRequest;
  finish(): void;
  fail(error: Error): void;
  readonly aborted: boolean;
}

export function createGatedProvider(options: { autoFinishMs?: number } = {}) {
  const calls: GatedCall[] = [];
  let active = 0;
  let maxActive = 0;
  const png = encodePng(2, 2, new Uint8Array(16).fill(200));

  const provider: Provider = {
    name: 'procedural',
    kinds: new Set<MediaKind>(['image', 'video']),
    models: { image: 'gated-v1', video: 'gated-v1' },
    async generate(request): Promise<ProviderResult> {
      active += 1;
      maxActive = Math.max(maxActive, active);
      let finish!: () => void;
      let fail!: (error: Error) => void;
      const done = new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      const call: GatedCall = { request, finish, fail, get aborted() { return request.signal?.aborted ?? false; } };
      calls.push(call);
      request.onProgress?.({ progress: 0.5 });
      const timer = options.autoFinishMs !== undefined ? setTimeout(finish, options.autoFinishMs) : undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          done.then(resolve, reject);
          request.signal?.addEventListener('abort', () => reject(request.signal!.reason), { once: true });
        });
      } finally {
        clearTimeout(timer);
        active -= 1;
      }
      return { provider: 'procedural', model: 'gated-v1', media: { bytes: png, mimeType: 'image/png', width: 2, height: 2 } };
    },
  };

  return {
    provider,
    calls,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    finishAll() {
      for (const call of calls) call.finish();
    },
  };
}

/** Polls until `check` returns a truthy value (or throws on timeout), for states reached in the background. */
export async function until<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'the condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
