/** Worker-thread entry of the render pool: renders one job at a time, posted by render-pool.ts. */
import { parentPort } from 'node:worker_threads';
import { RenderCancelled, renderMedia, type RenderJob } from './render.ts';

export interface RenderRequest {
  id: number;
  job: RenderJob;
  /** One Int32 the main thread sets to 1 to stop this render between frames. */
  cancel: SharedArrayBuffer;
}

export type RenderReply =
  | { id: number; ok: true; bytes: Uint8Array; mimeType: 'image/png' | 'image/gif'; width: number; height: number }
  | { id: number; ok: false; cancelled: boolean; message: string };

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs only as a worker thread');
port.on('message', ({ id, job, cancel }: RenderRequest) => {
  const flag = new Int32Array(cancel);
  let reply: RenderReply;
  try {
    const media = renderMedia(job, () => Atomics.load(flag, 0) === 1);
    reply = { id, ok: true, ...media };
    // The encoded bytes move to the main thread instead of being copied.
    port.postMessage(reply, [media.bytes.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    reply = { id, ok: false, cancelled: error instanceof RenderCancelled, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
