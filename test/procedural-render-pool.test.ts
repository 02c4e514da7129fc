import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createProceduralProvider } from '../src/generation/providers/procedural.ts';
import { renderMedia, type RenderJob } from '../src/generation/providers/procedural/render.ts';
import { createRenderPool } from '../src/generation/providers/procedural/render-pool.ts';

const pool = createRenderPool({ threads: 1 });
afterAll(() => pool.close());

// Long enough (hundreds of milliseconds) that a render on the event loop would swallow the timer below.
const longVideo: RenderJob = { kind: 'video', seedText: 'a slow river at dusk', style: 'watercolor', size: 192, frames: 60 };

describe('procedural rendering off the event loop', () => {
  it('lets the event loop run while a provider renders (timers fire before the render ends)', async () => {
    const provider = createProceduralProvider({ imageSize: 1024 });
    let finished = false;
    const rendering = provider.generate({ kind: 'image', prompt: 'a slow river at dusk', style: 'oil', stylePrompt: '' }).then((result) => {
      finished = true;
      return result;
    });
    await sleep(20);
    // On the event loop the whole render would have run before this timer could fire.
    expect(finished).toBe(false);
    expect((await rendering).media).toMatchObject({ mimeType: 'image/png', width: 1024 });
  });

  it('returns the same bytes as rendering on the event loop', async () => {
    const job: RenderJob = { kind: 'image', seedText: 'a fox in the snow', style: 'anime', size: 96, frames: 1 };
    const fromWorker = await pool.render(job);
    expect(Buffer.from(fromWorker.bytes).equals(Buffer.from(renderMedia(job).bytes))).toBe(true);
    expect(fromWorker).toMatchObject({ mimeType: 'image/png', width: 96, height: 96 });
  });

  it('stops an aborted render in its thread and keeps serving the next one', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const first = pool.render(longVideo, controller.signal);
    // Queued behind the first on the single thread: it is served once the first one stops.
    const second = pool.render({ kind: 'image', seedText: 'a lighthouse', style: 'photo', size: 64, frames: 1 });
    await sleep(30);
    controller.abort(reason);
    await expect(first).rejects.toBe(reason);
    await expect(second).resolves.toMatchObject({ mimeType: 'image/png', width: 64 });
  });

  it('drops a queued render at once when its signal aborts, before any thread takes it', async () => {
    const busy = pool.render(longVideo);
    const controller = new AbortController();
    const queued = pool.render(longVideo, controller.signal);
    const reason = new Error('gone');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    await expect(busy).resolves.toMatchObject({ mimeType: 'image/gif' });
  });

  it('refuses work after close, and close rejects renders in flight', async () => {
    const closing = createRenderPool({ threads: 1 });
    const inFlight = closing.render(longVideo);
    const rejected = expect(inFlight).rejects.toThrow(/closed/);
    await sleep(10);
    await closing.close();
    await rejected;
    await expect(closing.render(longVideo)).rejects.toThrow(/closed/);
  });
});
