// Paint-medium techniques: oil painting (brush strokes with impasto) and watercolor (washes on paper).
import { clamp01, smoothstep, toByte } from '../color.ts';
import type { Layout } from '../layout.ts';
import { hash2, sfc32 } from '../random.ts';
import type { Rng } from '../random.ts';
import type { Raster } from '../raster.ts';
import { field } from '../scene.ts';
import type { Scene } from '../scene.ts';

/**
 * Thousands of short brush strokes over the raster, each one colour sampled at its centre and laid
 * along the edges of the picture (perpendicular to the colour gradient), with bristle streaks and an
 * impasto relief lit from the top left.
 */
export function oilPainting(scene: Scene, ras: Raster): Uint8Array {
  const { w, h, rgb, edge } = ras;
  const s = Math.min(w, h);
  const canvas = Float32Array.from(rgb);
  const relief = new Float32Array(w * h);
  const rng = sfc32(scene.styleSeed, 0x0111, w, h);
  const bristles = new Float32Array(64);
  const lum = (x: number, y: number): number => {
    const p = (Math.max(0, Math.min(h - 1, y)) * w + Math.max(0, Math.min(w - 1, x))) * 3;
    return 0.3 * rgb[p]! + 0.59 * rgb[p + 1]! + 0.11 * rgb[p + 2]!;
  };
  const passes: readonly (readonly [number, number, number, boolean])[] = [
    // length, width, coverage, only near outlines
    [s * 0.085, s * 0.03, 1.2, false],
    [s * 0.05, s * 0.017, 1.6, false],
    [s * 0.026, s * 0.009, 0.5, true],
  ];
  for (const [length, width, coverage, detail] of passes) {
    const count = Math.ceil((coverage * w * h) / (length * width));
    for (let k = 0; k < count; k++) {
      const cx = rng() * w;
      const cy = rng() * h;
      const ix = Math.min(w - 1, cx | 0);
      const iy = Math.min(h - 1, cy | 0);
      const p = iy * w + ix;
      if (detail && edge[p]! > width * 1.5) continue;
      const gx = lum(ix + 2, iy) - lum(ix - 2, iy);
      const gy = lum(ix, iy + 2) - lum(ix, iy - 2);
      // Follow the isophote where there is a gradient; otherwise sweep mostly horizontally.
      const angle = gx * gx + gy * gy > 0.0004 ? Math.atan2(gy, gx) + Math.PI / 2 : (rng() - 0.5) * 0.7;
      const jitter = 0.94 + rng() * 0.12;
      const tint = (rng() - 0.5) * 0.05;
      paintStroke(canvas, relief, w, h, cx, cy, angle, length * (0.75 + rng() * 0.5), width * (0.8 + rng() * 0.4),
        rgb[p * 3]! * jitter + tint, rgb[p * 3 + 1]! * jitter, rgb[p * 3 + 2]! * jitter - tint, rng, bristles);
    }
  }
  const out = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const a = relief[Math.max(0, y - 1) * w + Math.max(0, x - 1)]!;
    const b = relief[Math.min(h - 1, y + 1) * w + Math.min(w - 1, x + 1)]!;
    const light = 1 + (a - b) * 0.45;
    const weave = 1 + 0.025 * (((x >> 1) + (y >> 1)) & 1 ? 1 : -1) * (hash2(x >> 1, y >> 1, 77) - 0.5);
    out[p * 4] = toByte(canvas[p * 3]! * light * weave);
    out[p * 4 + 1] = toByte(canvas[p * 3 + 1]! * light * weave);
    out[p * 4 + 2] = toByte(canvas[p * 3 + 2]! * light * weave);
    out[p * 4 + 3] = 255;
  }
  return out;
}

function paintStroke(
  canvas: Float32Array, relief: Float32Array, w: number, h: number, cx: number, cy: number, angle: number,
  length: number, width: number, r: number, g: number, b: number, rng: Rng, bristles: Float32Array,
): void {
  const ca = Math.cos(angle);
  const sa = Math.sin(angle);
  const hl = length / 2;
  const hw = width / 2;
  const count = Math.max(3, Math.min(bristles.length, Math.round(width / 1.4)));
  for (let i = 0; i < count; i++) bristles[i] = rng();
  const ex = Math.abs(ca) * hl + Math.abs(sa) * hw + 1;
  const ey = Math.abs(sa) * hl + Math.abs(ca) * hw + 1;
  const x0 = Math.max(0, Math.floor(cx - ex));
  const x1 = Math.min(w - 1, Math.ceil(cx + ex));
  const y0 = Math.max(0, Math.floor(cy - ey));
  const y1 = Math.min(h - 1, Math.ceil(cy + ey));
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      const along = dx * ca + dy * sa;
      const across = -dx * sa + dy * ca;
      const aa = Math.abs(across);
      if (aa > hw + 0.5) continue;
      const aalong = Math.abs(along);
      if (aalong > hl + 0.5) continue;
      let amount = clamp01(hw + 0.5 - aa) * clamp01(hl + 0.5 - aalong);
      const t = (along + hl) / (2 * hl); // 0 at the start of the stroke, 1 at its end
      const bristle = bristles[Math.max(0, Math.min(count - 1, Math.floor(((across + hw) / (2 * hw)) * count)))]!;
      // The brush runs dry toward the end: weak bristles drop out first.
      if (bristle < t * 0.7 - 0.1) amount *= 0.15;
      amount *= 0.9;
      if (amount <= 0) continue;
      const p = y * w + x;
      const k = 0.9 + bristle * 0.2;
      canvas[p * 3]! += (r * k - canvas[p * 3]!) * amount;
      canvas[p * 3 + 1]! += (g * k - canvas[p * 3 + 1]!) * amount;
      canvas[p * 3 + 2]! += (b * k - canvas[p * 3 + 2]!) * amount;
      relief[p]! += (0.25 + 0.75 * bristle * (1 - 0.4 * t) - relief[p]!) * amount;
    }
  }
}

/**
 * Transparent washes on warm paper: colours sampled through a wobbling displacement (bleeding edges),
 * pigment pooling dark along outlines, granulation, white paper left around a ragged border.
 */
export function watercolor(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, rgb, edge } = ras;
  const s = lay.s;
  const detail = field(scene, 'detail', w, h);
  const detail2 = field(scene, 'detail2', w, h);
  const out = new Uint8Array(w * h * 4);
  const wobble = s * 0.018;
  const seed = scene.styleSeed;
  const margin = s * 0.05;
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const n1 = detail[p]!;
    const n2 = detail2[p]!;
    const sx = Math.max(0, Math.min(w - 1, Math.round(x + (n1 - 0.5) * wobble * 2)));
    const sy = Math.max(0, Math.min(h - 1, Math.round(y + (n2 - 0.5) * wobble * 2)));
    const q = sy * w + sx;
    const q2 = Math.max(0, Math.min(h - 1, sy + Math.round(wobble * 0.6))) * w + Math.max(0, Math.min(w - 1, sx - Math.round(wobble * 0.6)));
    // Two samples averaged: adjacent washes bleed into each other.
    const pr = (rgb[q * 3]! + rgb[q2 * 3]!) / 2;
    const pg = (rgb[q * 3 + 1]! + rgb[q2 * 3 + 1]!) / 2;
    const pb = (rgb[q * 3 + 2]! + rgb[q2 * 3 + 2]!) / 2;
    const pool = Math.exp(-edge[q]! / Math.max(1, s * 0.005));
    const grain = hash2(x >> 1, y >> 1, seed) - 0.5;
    let density = 0.78 + 0.45 * (n1 - 0.5) + 0.35 * pool + 0.08 * grain;
    const border = Math.min(x, y, w - 1 - x, h - 1 - y) + (n2 - 0.5) * margin * 1.4;
    density *= smoothstep(margin * 0.3, margin, border);
    density = Math.max(0, Math.min(1.15, density));
    const paperGrain = 1 - 0.035 * (hash2(x, y, seed ^ 0x77) - 0.5) - 0.02 * (n2 - 0.5);
    const paperR = 0.975 * paperGrain;
    const paperG = 0.962 * paperGrain;
    const paperB = 0.925 * paperGrain;
    // Pigment filters the light the paper reflects (multiplicative), as real washes do.
    out[p * 4] = toByte(paperR * (1 - density * (1 - pr)));
    out[p * 4 + 1] = toByte(paperG * (1 - density * (1 - pg)));
    out[p * 4 + 2] = toByte(paperB * (1 - density * (1 - pb)));
    out[p * 4 + 3] = 255;
  }
  return out;
}
