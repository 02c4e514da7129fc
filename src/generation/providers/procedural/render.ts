import { encodeGif, quantizeFrames } from '../../../media/gif.ts';
import { encodePng } from '../../../media/png.ts';
import { prepareScene } from './scene.ts';
import { renderFrame } from './techniques.ts';
import { dimensionsFor, type AspectRatio } from '../../image-options.ts';

/** Everything a render needs, as plain data: it crosses into a worker thread as a message. */
export interface RenderJob {
  kind: 'image' | 'video';
  /** The prompt, plus the variant's seed words when the render is a variant. */
  seedText: string;
  style: string;
  /** The longer side; the shorter follows from `aspect`. */
  size: number;
  aspect?: AspectRatio | undefined;
  /** Frames in one loop of a video. */
  frames: number;
}

export interface RenderedMedia {
  bytes: Uint8Array;
  mimeType: 'image/png' | 'image/gif';
  width: number;
  height: number;
}

const VIDEO_DELAY_CS = 8;

export class RenderCancelled extends Error {
  constructor() {
    super('render cancelled');
    this.name = 'RenderCancelled';
  }
}

/**
 * Draws and encodes one image or looping GIF, synchronously: about 120 ms of CPU for a 512 px image,
 * which is why the provider runs it in a worker thread. `cancelled` is checked between pieces of work.
 */
export function renderMedia(job: RenderJob, cancelled: () => boolean = () => false): RenderedMedia {
  const check = () => {
    if (cancelled()) throw new RenderCancelled();
  };
  const scene = prepareScene(job.seedText, job.style);
  const { width, height } = dimensionsFor(job.aspect, job.size, 2);
  check();
  if (job.kind === 'image') {
    const rgba = renderFrame(scene, width, height, 0);
    check();
    return { bytes: encodePng(width, height, rgba), mimeType: 'image/png', width, height };
  }
  const frames: Uint8Array[] = [];
  for (let i = 0; i < job.frames; i++) {
    check();
    frames.push(renderFrame(scene, width, height, i / job.frames));
  }
  const { palette, indexed } = quantizeFrames(frames, width, { dither: scene.technique === 'pixel' ? 0 : 10 });
  check();
  return { bytes: encodeGif(width, height, indexed, palette, VIDEO_DELAY_CS), mimeType: 'image/gif', width, height };
}
