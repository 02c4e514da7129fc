import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePngHeader, encodePng } from '../src/media/png.ts';

// An independent decoder: own CRC table, own chunk walk, all five PNG filters. Only inflate is shared.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Uint8Array;
}

function chunks(png: Uint8Array): Chunk[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length), `CRC of ${type}`).toBe(crc(png.subarray(offset + 4, offset + 8 + length)));
    out.push({ type, data });
    offset += 12 + length;
  }
  expect(offset).toBe(png.length);
  return out;
}

function decode(png: Uint8Array): { width: number; height: number; colourType: number; rgba: Uint8Array } {
  const list = chunks(png);
  expect(list[0]!.type).toBe('IHDR');
  expect(list.at(-1)!.type).toBe('IEND');
  expect(list.at(-1)!.data.length).toBe(0);
  const ihdr = new DataView(list[0]!.data.buffer, list[0]!.data.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  const bitDepth = ihdr.getUint8(8);
  const colourType = ihdr.getUint8(9);
  expect(bitDepth).toBe(8);
  expect([2, 6]).toContain(colourType);
  expect([ihdr.getUint8(10), ihdr.getUint8(11), ihdr.getUint8(12)]).toEqual([0, 0, 0]);
  const idat = Buffer.concat(list.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = inflateSync(idat);
  const bpp = colourType === 6 ? 4 : 3;
  const stride = width * bpp;
  expect(raw.length).toBe(height * (stride + 1));
  const rgba = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`bad filter type ${filter}`);
      }
      cur[i] = (line[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) rgba[(y * width + x) * 4 + k] = cur[x * bpp + k]!;
      rgba[(y * width + x) * 4 + 3] = bpp === 4 ? cur[x * bpp + 3]! : 255;
    }
    prev = cur;
  }
  return { width, height, colourType, rgba };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function gradient(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      out[p] = (x * 255) / Math.max(1, width - 1);
      out[p + 1] = (y * 255) / Math.max(1, height - 1);
      out[p + 2] = (x * y) & 0xff;
      out[p + 3] = 255;
    }
  }
  return out;
}

describe('encodePng', () => {
  it.each([
    [1, 1],
    [3, 2],
    [17, 13],
    [300, 200],
  ])('round-trips random RGBA with alpha at %ix%i (colour type 6)', (width, height) => {
    const rgba = randomBytes(width * height * 4, width * 31 + height);
    const decoded = decode(encodePng(width, height, rgba));
    expect(decoded).toMatchObject({ width, height, colourType: 6 });
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('writes opaque pictures as RGB (colour type 2) with identical pixels', () => {
    const rgba = gradient(257, 129);
    const png = encodePng(257, 129, rgba);
    const decoded = decode(png);
    expect(decoded.colourType).toBe(2);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('compresses smooth pictures well (filters are in use)', () => {
    const png = encodePng(512, 512, gradient(512, 512));
    expect(png.length).toBeLessThan(512 * 512 * 3 * 0.2);
  });

  it('has exactly IHDR, IDAT(s) and IEND chunks with valid CRCs', () => {
    const types = chunks(encodePng(40, 30, randomBytes(40 * 30 * 4, 7))).map((c) => c.type);
    expect(types[0]).toBe('IHDR');
    expect(types.at(-1)).toBe('IEND');
    expect(types.slice(1, -1).every((t) => t === 'IDAT')).toBe(true);
  });

  it('rejects a buffer of the wrong length and invalid sizes', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(RangeError);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodePng(1.5, 2, new Uint8Array(12))).toThrow(RangeError);
  });
});

describe('decodePngHeader', () => {
  it('returns the size of a valid PNG', () => {
    expect(decodePngHeader(encodePng(33, 7, gradient(33, 7)))).toEqual({ width: 33, height: 7 });
  });

  it('rejects a bad signature, a corrupted IHDR and short input', () => {
    const png = encodePng(4, 4, gradient(4, 4));
    const badSignature = Uint8Array.from(png);
    badSignature[1] = 0x51;
    expect(() => decodePngHeader(badSignature)).toThrow(/signature/);
    const badCrc = Uint8Array.from(png);
    badCrc[18] = badCrc[18]! ^ 0xff; // a width byte: the CRC no longer matches
    expect(() => decodePngHeader(badCrc)).toThrow(/CRC/);
    expect(() => decodePngHeader(png.subarray(0, 20))).toThrow(/short/);
    expect(() => decodePngHeader(new TextEncoder().encode('GIF89a, definitely not a PNG image'))).toThrow();
  });

  it('accepts a PNG that sits inside a larger buffer', () => {
    const png = encodePng(9, 5, gradient(9, 5));
    const padded = new Uint8Array(png.length + 16);
    padded.set(png, 16);
    expect(decodePngHeader(padded.subarray(16))).toEqual({ width: 9, height: 5 });
  });
});
