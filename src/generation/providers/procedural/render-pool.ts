import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RenderReply, RenderRequest } from './render-worker.ts';
import type { RenderJob, RenderedMedia } from './render.ts';

export interface RenderPool {
  /** Renders in a worker thread; an abort stops the render between frames and rejects with the signal's reason. */
  render(job: RenderJob, signal?: AbortSignal): Promise<RenderedMedia>;
  /** Stops every worker; renders in flight are rejected. */
  close(): Promise<void>;
}

interface Pending {
  request: RenderRequest;
  signal: AbortSignal | undefined;
  resolve: (media: RenderedMedia) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  current: Pending | undefined;
}

/** One core stays with the event loop; the rest may render. */
export function defaultRenderThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/**
 * Renders procedural media off the event loop, so health checks, queries and deliveries do not wait
 * behind ~120 ms of drawing and encoding per image. Threads start on the first render, and an idle
 * pool does not keep the process alive.
 */
export function createRenderPool(options: { threads?: number } = {}): RenderPool {
  const threads = options.threads ?? defaultRenderThreads();
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 0;
  let closed = false;

  function start(): Slot {
    const worker = new Worker(new URL('./render-worker.ts', import.meta.url));
    const slot: Slot = { worker, current: undefined };
    worker.on('message', (reply: RenderReply) => {
      const pending = slot.current;
      slot.current = undefined;
      if (pending && pending.request.id === reply.id) settle(pending, reply);
      dispatch();
    });
    const lost = (error: unknown) => {
      slots.splice(slots.indexOf(slot), 1);
      const pending = slot.current;
      slot.current = undefined;
      pending?.reject(error);
      dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (slots.includes(slot)) lost(new Error(`render worker exited with code ${code}`));
    });
    slots.push(slot);
    return slot;
  }

  function settle(pending: Pending, reply: RenderReply): void {
    if (reply.ok) {
      pending.resolve({ bytes: reply.bytes, mimeType: reply.mimeType, width: reply.width, height: reply.height });
    } else if (reply.cancelled && pending.signal?.aborted) {
      pending.reject(pending.signal.reason);
    } else {
      pending.reject(new Error(reply.message));
    }
  }

  function dispatch(): void {
    while (queue.length > 0) {
      const slot = slots.find((candidate) => !candidate.current) ?? (slots.length < threads ? start() : undefined);
      if (!slot) break;
      const pending = queue.shift()!;
      slot.current = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.request);
    }
    for (const slot of slots) if (!slot.current) slot.worker.unref();
  }

  return {
    render(job, signal) {
      if (closed) return Promise.reject(new Error('render pool is closed'));
      signal?.throwIfAborted();
      return new Promise<RenderedMedia>((resolve, reject) => {
        const cancel = new SharedArrayBuffer(4);
        const pending: Pending = { request: { id: ++nextId, job, cancel }, signal, resolve, reject };
        signal?.addEventListener('abort', () => {
          const queued = queue.indexOf(pending);
          if (queued >= 0) {
            queue.splice(queued, 1);
            reject(signal.reason);
          } else {
            Atomics.store(new Int32Array(cancel), 0, 1);
          }
        }, { once: true });
        queue.push(pending);
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error('render pool is closed'));
      const stopping = slots.splice(0);
      for (const slot of stopping) slot.current?.reject(new Error('render pool is closed'));
      await Promise.all(stopping.map((slot) => slot.worker.terminate()));
    },
  };
}
