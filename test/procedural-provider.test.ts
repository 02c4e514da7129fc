import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../src/generation/provider.ts';
import type { MediaKind, ProviderRequest, ProviderResult } from '../src/generation/provider.ts';
import { createProceduralProvider } from '../src/generation/providers/procedural.ts';
import { STYLES } from '../src/generation/styles.ts';
import { decodePngHeader } from '../src/media/png.ts';

// Small sizes keep the suite fast; one test covers the 512 px default.
const provider = createProceduralProvider({ imageSize: 128, videoSize: 64, videoFrames: 6 });

function request(prompt: string, style: string, kind: MediaKind = 'image', signal?: AbortSignal): ProviderRequest {
  return { kind, prompt, style, stylePrompt: '', signal };
}

function bytesOf(result: ProviderResult): Uint8Array {
  expect(result.media).toBeDefined();
  return result.media!.bytes;
}

/** Minimal PNG pixel reader (8-bit RGB/RGBA, all filters) so the test can compare pictures. */
function pixels(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const { width, height } = decodePngHeader(png);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const colourType = png[25]!;
  const bpp = colourType === 6 ? 4 : 3;
  const idat: Uint8Array[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset);
    if (String.fromCharCode(...png.subarray(offset + 4, offset + 8)) === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const rgb = new Uint8Array(width * height * 3);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      cur[i] = (raw[y * (stride + 1) + 1 + i]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) rgb.set(cur.subarray(x * bpp, x * bpp + 3), (y * width + x) * 3);
    prev = cur;
  }
  return { width, height, rgb };
}

function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

function standardDeviation(values: Uint8Array): number {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2 / values.length;
  return Math.sqrt(variance);
}

/** Counts GIF image descriptors by walking the block structure (not by scanning for 0x2C bytes). */
function gifFrames(gif: Uint8Array): { width: number; height: number; frames: number; loops: boolean } {
  expect(String.fromCharCode(...gif.subarray(0, 6))).toBe('GIF89a');
  expect(gif.at(-1)).toBe(0x3b);
  const width = gif[6]! | (gif[7]! << 8);
  const height = gif[8]! | (gif[9]! << 8);
  let pos = 13 + (gif[10]! & 0x80 ? 3 * (1 << ((gif[10]! & 7) + 1)) : 0);
  let frames = 0;
  let loops = false;
  const skipSubBlocks = (): void => {
    while (gif[pos]! !== 0) pos += gif[pos]! + 1;
    pos++;
  };
  for (;;) {
    const introducer = gif[pos++]!;
    if (introducer === 0x3b) break;
    if (introducer === 0x21) {
      const label = gif[pos++]!;
      if (label === 0xff && String.fromCharCode(...gif.subarray(pos + 1, pos + 12)) === 'NETSCAPE2.0') loops = true;
      skipSubBlocks();
    } else if (introducer === 0x2c) {
      frames++;
      const flags = gif[pos + 8]!;
      pos += 9 + (flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0) + 1;
      skipSubBlocks();
    } else {
      throw new Error(`unexpected GIF block ${introducer}`);
    }
  }
  expect(pos).toBe(gif.length);
  return { width, height, frames, loops };
}

describe('procedural provider', () => {
  it('is named procedural, renders images and videos, and has no text model', async () => {
    expect(provider.name).toBe('procedural');
    expect([...provider.kinds].sort()).toEqual(['image', 'video']);
    expect(provider.kinds.has('text')).toBe(false);
    const refusal = provider.generate(request('hello', 'photo', 'text'));
    await expect(refusal).rejects.toBeInstanceOf(ProviderError);
    await expect(refusal).rejects.toMatchObject({ errorClass: 'invalid_input' });
  });

  it('returns a 512x512 PNG by default, labelled as the offline renderer', async () => {
    const result = await createProceduralProvider().generate(request('a lighthouse on a cliff', 'photo'));
    expect(result.provider).toBe('procedural');
    expect(result.model).toBe('procedural-v1');
    expect(result.usage).toBeUndefined();
    expect(result.media).toMatchObject({ mimeType: 'image/png', width: 512, height: 512 });
    expect(decodePngHeader(bytesOf(result))).toEqual({ width: 512, height: 512 });
  });

  it('is deterministic: the same prompt and style give identical bytes, across provider instances', async () => {
    const a = bytesOf(await provider.generate(request('a fox in the snow', 'anime')));
    const b = bytesOf(await createProceduralProvider({ imageSize: 128 }).generate(request('a fox in the snow', 'anime')));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('renders every catalog style as a non-trivial picture of the requested size', async () => {
    for (const style of STYLES) {
      const result = await provider.generate(request('mountains above a calm lake', style.id));
      expect(result.media, style.id).toMatchObject({ mimeType: 'image/png', width: 128, height: 128 });
      const { width, height, rgb } = pixels(bytesOf(result));
      expect([width, height]).toEqual([128, 128]);
      // A flat fill or a blank canvas would have next to no spread.
      expect(standardDeviation(rgb), style.id).toBeGreaterThan(12);
    }
  });

  it('makes each style visibly different for the same prompt', async () => {
    for (const prompt of ['a cat', 'an old castle at sunset']) {
      const images = await Promise.all(STYLES.map(async (style) => pixels(bytesOf(await provider.generate(request(prompt, style.id)))).rgb));
      for (let i = 0; i < images.length; i++) {
        for (let j = i + 1; j < images.length; j++) {
          const pair = `${STYLES[i]!.id} vs ${STYLES[j]!.id} for "${prompt}"`;
          expect(Buffer.from(images[i]!).equals(Buffer.from(images[j]!)), pair).toBe(false);
          expect(meanAbsoluteDifference(images[i]!, images[j]!), pair).toBeGreaterThan(6);
        }
      }
    }
  });

  it('makes different prompts visibly different in the same style', async () => {
    const prompts = ['a cat', 'a dog', 'a red car on a bridge', 'кот на крыше', 'گربه'];
    for (const style of ['photo', 'line-art', 'pixel-art']) {
      const images = await Promise.all(prompts.map(async (prompt) => pixels(bytesOf(await provider.generate(request(prompt, style)))).rgb));
      for (let i = 0; i < images.length; i++) {
        for (let j = i + 1; j < images.length; j++) {
          expect(meanAbsoluteDifference(images[i]!, images[j]!), `${style}: ${prompts[i]} vs ${prompts[j]}`).toBeGreaterThan(8);
        }
      }
    }
  });

  it('draws sketch and line art in greys only', async () => {
    for (const style of ['sketch', 'line-art']) {
      const { rgb } = pixels(bytesOf(await provider.generate(request('a windmill', style))));
      for (let p = 0; p < rgb.length; p += 3) {
        if (rgb[p] !== rgb[p + 1] || rgb[p] !== rgb[p + 2]) throw new Error(`${style} has a coloured pixel at ${p / 3}`);
      }
    }
  });

  it('falls back to the photo technique for an unknown style id', async () => {
    const unknown = bytesOf(await provider.generate(request('a harbour', 'no-such-style')));
    const photo = bytesOf(await provider.generate(request('a harbour', 'photo')));
    expect(Buffer.from(unknown).equals(Buffer.from(photo))).toBe(true);
  });

  it('renders a looping animated GIF with the configured number of frames for video', async () => {
    const result = await provider.generate(request('waves under the moon', 'watercolor', 'video'));
    expect(result.provider).toBe('procedural');
    expect(result.model).toBe('procedural-v1');
    expect(result.media).toMatchObject({ mimeType: 'image/gif', width: 64, height: 64 });
    expect(gifFrames(bytesOf(result))).toEqual({ width: 64, height: 64, frames: 6, loops: true });
    const again = await provider.generate(request('waves under the moon', 'watercolor', 'video'));
    expect(Buffer.from(bytesOf(again)).equals(Buffer.from(bytesOf(result)))).toBe(true);
  });

  it('renders a video for every style with the default frame count', async () => {
    const videoProvider = createProceduralProvider({ videoSize: 48 });
    for (const style of STYLES) {
      const result = await videoProvider.generate(request('a windy hill', style.id, 'video'));
      expect(gifFrames(bytesOf(result)), style.id).toEqual({ width: 48, height: 48, frames: 24, loops: true });
    }
  });

  it('rejects with the abort reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('caller went away');
    controller.abort(reason);
    await expect(provider.generate(request('a cat', 'photo', 'image', controller.signal))).rejects.toBe(reason);
    await expect(provider.generate(request('a cat', 'photo', 'video', controller.signal))).rejects.toBe(reason);
  });

  it('stops a video between frames when the signal aborts mid-render', async () => {
    const controller = new AbortController();
    const pending = createProceduralProvider({ videoSize: 64, videoFrames: 200 }).generate(request('a long video', 'photo', 'video', controller.signal));
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('validates its options', () => {
    expect(() => createProceduralProvider({ imageSize: 0 })).toThrow(RangeError);
    expect(() => createProceduralProvider({ videoFrames: 1.5 })).toThrow(RangeError);
    expect(() => createProceduralProvider({ videoSize: 100_000 })).toThrow(RangeError);
  });
});
