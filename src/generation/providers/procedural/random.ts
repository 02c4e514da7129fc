// Randomness: seeded PRNG, lattice hash and value noise; everything derives from the prompt hash, no Math.random anywhere.
import { clamp01 } from './color.ts';

export type Rng = () => number;

export function sfc32(a: number, b: number, c: number, d: number): Rng {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export function rngFrom(bytes: Uint8Array, salt: number): Rng {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rng = sfc32(view.getUint32(0) ^ salt, view.getUint32(4), view.getUint32(8), view.getUint32(12) ^ Math.imul(salt, 0x9e3779b1));
  for (let i = 0; i < 12; i++) rng(); // warm up: sfc32's first outputs are weakly mixed
  return rng;
}

/** Integer hash of a lattice point to [0, 1). */
export function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export function range(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Smooth 1D value noise in [0, 1]. */
export function noise1(x: number, seed: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const s = f * f * (3 - 2 * f);
  const a = hash2(i, 0, seed);
  return a + (hash2(i + 1, 0, seed) - a) * s;
}

/**
 * Fractal value noise over a w*h grid, normalised to [0, 1]. Lattice cells are given in pixels; per-column
 * lattice indices are computed once per octave so the inner loop is four reads and three lerps.
 */
export function fbmField(w: number, h: number, cellX: number, cellY: number, octaves: number, seed: number): Float32Array {
  const out = new Float32Array(w * h);
  const ix = new Int32Array(w);
  const fx = new Float32Array(w);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const cx = Math.max(1, cellX / (1 << o));
    const cy = Math.max(1, cellY / (1 << o));
    const gw = Math.ceil(w / cx) + 2;
    const gh = Math.ceil(h / cy) + 2;
    const lattice = new Float32Array(gw * gh);
    const octaveSeed = seed + o * 1013;
    for (let j = 0; j < gh; j++) for (let i = 0; i < gw; i++) lattice[j * gw + i] = hash2(i, j, octaveSeed);
    for (let x = 0; x < w; x++) {
      const u = (x + 0.5) / cx;
      const i = Math.floor(u);
      const f = u - i;
      ix[x] = i;
      fx[x] = f * f * (3 - 2 * f);
    }
    let fy = 0;
    let rowA = 0;
    let rowB = 0;
    // Flat loop (see rasterize in raster.ts): the row terms are refreshed when x wraps to 0.
    for (let p = 0, x = 0, y = 0; p < w * h; p++, x++) {
      if (x === w) {
        x = 0;
        y++;
      }
      if (x === 0) {
        const v = (y + 0.5) / cy;
        const j = Math.floor(v);
        const f0 = v - j;
        fy = f0 * f0 * (3 - 2 * f0);
        rowA = j * gw;
        rowB = rowA + gw;
      }
      const i = ix[x]!;
      const s = fx[x]!;
      const a = lattice[rowA + i]!;
      const b = lattice[rowA + i + 1]!;
      const c = lattice[rowB + i]!;
      const d = lattice[rowB + i + 1]!;
      const top = a + (b - a) * s;
      const bottom = c + (d - c) * s;
      out[p]! += amplitude * (top + (bottom - top) * fy);
    }
    total += amplitude;
    amplitude *= 0.5;
  }
  // Value noise bunches around 0.5; stretch it so thresholds in the techniques have room.
  for (let p = 0; p < out.length; p++) out[p] = clamp01((out[p]! / total - 0.5) * 1.8 + 0.5);
  return out;
}
