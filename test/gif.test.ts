import { describe, expect, it } from 'vitest';
import { encodeGif, quantizeFrames } from '../src/media/gif.ts';

// An independent GIF reader and LZW decoder, written from the GIF89a spec, to check the encoder.

interface ParsedFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  delay: number | undefined;
  minCodeSize: number;
  data: Uint8Array;
}

interface ParsedGif {
  width: number;
  height: number;
  globalTable: Uint8Array;
  loopCount: number | undefined;
  frames: ParsedFrame[];
}

function readSubBlocks(bytes: Uint8Array, start: number): { data: Uint8Array; end: number } {
  const parts: number[] = [];
  let pos = start;
  for (;;) {
    const size = bytes[pos++]!;
    if (size === 0) break;
    for (let i = 0; i < size; i++) parts.push(bytes[pos + i]!);
    pos += size;
    if (pos > bytes.length) throw new Error('sub-block runs past the end');
  }
  return { data: Uint8Array.from(parts), end: pos };
}

function parseGif(bytes: Uint8Array): ParsedGif {
  expect(String.fromCharCode(...bytes.subarray(0, 6))).toBe('GIF89a');
  const width = bytes[6]! | (bytes[7]! << 8);
  const height = bytes[8]! | (bytes[9]! << 8);
  const packed = bytes[10]!;
  expect(packed & 0x80).toBe(0x80); // global colour table present
  const tableLength = 3 * (1 << ((packed & 7) + 1));
  const globalTable = bytes.subarray(13, 13 + tableLength);
  let pos = 13 + tableLength;
  let loopCount: number | undefined;
  let pendingDelay: number | undefined;
  const frames: ParsedFrame[] = [];
  for (;;) {
    const introducer = bytes[pos++];
    if (introducer === 0x3b) break;
    if (introducer === 0x21) {
      const label = bytes[pos++]!;
      if (label === 0xff) {
        const blockSize = bytes[pos]!;
        const identifier = String.fromCharCode(...bytes.subarray(pos + 1, pos + 1 + blockSize));
        const { data, end } = readSubBlocks(bytes, pos + 1 + blockSize);
        if (identifier === 'NETSCAPE2.0') {
          expect(data[0]).toBe(1);
          loopCount = data[1]! | (data[2]! << 8);
        }
        pos = end;
      } else if (label === 0xf9) {
        expect(bytes[pos]).toBe(4);
        pendingDelay = bytes[pos + 2]! | (bytes[pos + 3]! << 8);
        pos += 5;
        expect(bytes[pos++]).toBe(0);
      } else {
        pos = readSubBlocks(bytes, pos).end;
      }
    } else if (introducer === 0x2c) {
      const left = bytes[pos]! | (bytes[pos + 1]! << 8);
      const top = bytes[pos + 2]! | (bytes[pos + 3]! << 8);
      const w = bytes[pos + 4]! | (bytes[pos + 5]! << 8);
      const h = bytes[pos + 6]! | (bytes[pos + 7]! << 8);
      const flags = bytes[pos + 8]!;
      pos += 9;
      if (flags & 0x80) pos += 3 * (1 << ((flags & 7) + 1));
      const minCodeSize = bytes[pos++]!;
      const { data, end } = readSubBlocks(bytes, pos);
      pos = end;
      frames.push({ left, top, width: w, height: h, delay: pendingDelay, minCodeSize, data });
      pendingDelay = undefined;
    } else {
      throw new Error(`unexpected block introducer ${introducer} at ${pos - 1}`);
    }
  }
  expect(pos).toBe(bytes.length);
  return { width, height, globalTable, loopCount, frames };
}

/** Variable-code-size LZW decoding as in appendix F of the GIF89a spec. */
function lzwDecode(data: Uint8Array, minCodeSize: number, pixelCount: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Int32Array(4096);
  for (let i = 0; i < clear; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  const out = new Uint8Array(pixelCount);
  let outPos = 0;
  let codeSize = minCodeSize + 1;
  let next = eoi + 1;
  let prev = -1;
  let bitPos = 0;
  let sawEoi = false;
  const write = (code: number): void => {
    const n = length[code]!;
    if (outPos + n > pixelCount) throw new Error('more pixels than the frame holds');
    let c = code;
    for (let i = n - 1; i >= 0; i--) {
      out[outPos + i] = suffix[c]!;
      c = prefix[c]!;
    }
    outPos += n;
  };
  while (bitPos + codeSize <= data.length * 8) {
    let code = 0;
    for (let i = 0; i < codeSize; i++) {
      const bit = (data[(bitPos + i) >> 3]! >> ((bitPos + i) & 7)) & 1;
      code |= bit << i;
    }
    bitPos += codeSize;
    if (code === clear) {
      codeSize = minCodeSize + 1;
      next = eoi + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) {
      sawEoi = true;
      break;
    }
    if (prev === -1) {
      if (code >= clear) throw new Error(`first code after clear is ${code}`);
      write(code);
      prev = code;
      continue;
    }
    if (code < next) {
      write(code);
      if (next < 4096) {
        prefix[next] = prev;
        suffix[next] = first[code]!;
        first[next] = first[prev]!;
        length[next] = length[prev]! + 1;
        next++;
      }
    } else if (code === next && next < 4096) {
      prefix[next] = prev;
      suffix[next] = first[prev]!;
      first[next] = first[prev]!;
      length[next] = length[prev]! + 1;
      next++;
      write(code);
    } else {
      throw new Error(`invalid code ${code} (next is ${next})`);
    }
    if (next === 1 << codeSize && codeSize < 12) codeSize++;
    prev = code;
  }
  expect(sawEoi, 'end-of-information code').toBe(true);
  // Nothing but padding may follow the EOI code.
  expect(Math.ceil(bitPos / 8)).toBe(data.length);
  expect(outPos).toBe(pixelCount);
  return out;
}

function indices(n: number, colours: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 16) % colours;
  }
  return out;
}

function greyPalette(colours: number): Uint8Array {
  const palette = new Uint8Array(colours * 3);
  for (let i = 0; i < colours; i++) palette.fill(Math.round((i * 255) / Math.max(1, colours - 1)), i * 3, i * 3 + 3);
  return palette;
}

function roundTrip(width: number, height: number, frames: Uint8Array[], colours: number): ParsedGif {
  const gif = encodeGif(width, height, frames, greyPalette(colours), 7);
  const parsed = parseGif(gif);
  expect(parsed.frames).toHaveLength(frames.length);
  parsed.frames.forEach((frame, i) => {
    expect(lzwDecode(frame.data, frame.minCodeSize, width * height)).toEqual(frames[i]);
  });
  return parsed;
}

describe('encodeGif', () => {
  it('writes the header, one descriptor and control extension per frame, the loop extension and the trailer', () => {
    const frames = [indices(64 * 48, 16, 1), indices(64 * 48, 16, 2), indices(64 * 48, 16, 3)];
    const gif = encodeGif(64, 48, frames, greyPalette(16), 9);
    expect(String.fromCharCode(...gif.subarray(0, 6))).toBe('GIF89a');
    expect(gif.at(-1)).toBe(0x3b);
    const parsed = parseGif(gif);
    expect(parsed).toMatchObject({ width: 64, height: 48, loopCount: 0 });
    expect(parsed.frames).toHaveLength(3);
    for (const frame of parsed.frames) expect(frame).toMatchObject({ left: 0, top: 0, width: 64, height: 48, delay: 9, minCodeSize: 4 });
    // The bytes spell the loop extension out literally.
    expect(Buffer.from(gif).includes(Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 0x03, 0x01, 0x00, 0x00, 0x00]))).toBe(true);
  });

  it('decodes frame 1 back to the input indices', () => {
    const frames = [indices(97 * 31, 200, 11), indices(97 * 31, 200, 12)];
    roundTrip(97, 31, frames, 200);
  });

  it('survives table resets: random 8-bit data fills the 4096-entry table many times', () => {
    const frames = [indices(256 * 256, 256, 5)];
    roundTrip(256, 256, frames, 256);
  });

  it('handles 2-colour pictures (minimum code size 2) and long runs', () => {
    const runs = new Uint8Array(300 * 200);
    for (let i = 0; i < runs.length; i++) runs[i] = Math.floor(i / 997) & 1;
    const parsed = roundTrip(300, 200, [runs, new Uint8Array(300 * 200)], 2);
    expect(parsed.frames[0]!.minCodeSize).toBe(2);
  });

  it('pads the colour table to a power of two and keeps the colours', () => {
    const palette = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9, 200, 100, 50);
    const parsed = parseGif(encodeGif(3, 3, [indices(9, 5, 3)], palette, 5));
    expect(parsed.globalTable).toHaveLength(8 * 3);
    expect([...parsed.globalTable.subarray(0, 15)]).toEqual([...palette]);
    expect(parsed.frames[0]!.minCodeSize).toBe(3);
  });

  it('round-trips every length from 1 to 300 pixels with small alphabets (code-size edges, EOI placement)', () => {
    for (let n = 1; n <= 300; n++) {
      for (const colours of [2, 3, 4, 16]) roundTrip(n, 1, [indices(n, colours, n * 7 + colours)], colours);
    }
  });

  it('round-trips structured data that walks the code size up to 12 bits before each reset', () => {
    // Low-entropy structure makes long strings, so the table fills slowly through every code width.
    const frame = new Uint8Array(200 * 200);
    for (let i = 0; i < frame.length; i++) frame[i] = ((i % 200) >> 3) ^ ((i / 200) >> 4) ^ (i % 7 === 0 ? 1 : 0);
    roundTrip(200, 200, [frame], 32);
  });

  it('rejects bad input', () => {
    expect(() => encodeGif(2, 2, [], greyPalette(2), 5)).toThrow(RangeError);
    expect(() => encodeGif(2, 2, [new Uint8Array(3)], greyPalette(2), 5)).toThrow(RangeError);
    expect(() => encodeGif(2, 2, [Uint8Array.of(0, 1, 2, 0)], greyPalette(2), 5)).toThrow(/palette index/);
    expect(() => encodeGif(2, 2, [new Uint8Array(4)], new Uint8Array(257 * 3), 5)).toThrow(RangeError);
    expect(() => encodeGif(0, 2, [new Uint8Array(0)], greyPalette(2), 5)).toThrow(RangeError);
    expect(() => encodeGif(2, 2, [new Uint8Array(4)], greyPalette(2), 70000)).toThrow(RangeError);
  });

  it('encodes 24 frames of 256x256', () => {
    const frames: Uint8Array[] = [];
    for (let f = 0; f < 24; f++) {
      const frame = new Uint8Array(256 * 256);
      for (let y = 0; y < 256; y++) {
        for (let x = 0; x < 256; x++) frame[y * 256 + x] = ((x + f * 3) ^ y) & 0xff;
      }
      const noise = indices(256 * 256, 256, f);
      for (let i = 0; i < frame.length; i += 5) frame[i] = noise[i]!;
      frames.push(frame);
    }
    const gif = encodeGif(256, 256, frames, greyPalette(256), 8);
    expect(parseGif(gif).frames).toHaveLength(24);
  });
});

describe('quantizeFrames', () => {
  it('keeps a few-colour picture exact', () => {
    const colours = [[10, 20, 30], [200, 40, 90], [255, 255, 255], [0, 0, 0]] as const;
    const rgba = new Uint8Array(32 * 32 * 4);
    for (let p = 0; p < 32 * 32; p++) {
      const c = colours[p % 4]!;
      rgba.set([c[0], c[1], c[2], 255], p * 4);
    }
    const { palette, indexed } = quantizeFrames([rgba], 32);
    expect(palette.length / 3).toBe(4);
    for (let p = 0; p < 32 * 32; p++) {
      const i = indexed[0]![p]!;
      expect([palette[i * 3], palette[i * 3 + 1], palette[i * 3 + 2]]).toEqual([...colours[p % 4]!]);
    }
  });

  it('maps a many-colour picture to at most 256 close colours, shared by all frames', () => {
    const frames = [0, 1].map((f) => {
      const rgba = new Uint8Array(128 * 128 * 4);
      for (let y = 0; y < 128; y++) {
        for (let x = 0; x < 128; x++) rgba.set([x * 2, y * 2, (x + y + f * 40) & 0xff, 255], (y * 128 + x) * 4);
      }
      return rgba;
    });
    const { palette, indexed } = quantizeFrames(frames, 128, { dither: 8 });
    expect(palette.length / 3).toBeLessThanOrEqual(256);
    expect(indexed).toHaveLength(2);
    let error = 0;
    for (let p = 0; p < 128 * 128; p++) {
      const i = indexed[0]![p]!;
      for (let c = 0; c < 3; c++) error += Math.abs(palette[i * 3 + c]! - frames[0]![p * 4 + c]!);
    }
    expect(error / (128 * 128 * 3)).toBeLessThan(12);
  });
});
