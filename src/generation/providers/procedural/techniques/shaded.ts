// Techniques that keep the rendered shading: photo (grain, S-curve, vignette) and anime (cel shading with ink outlines).
import { clamp01, toByte } from '../color.ts';
import { hash2 } from '../random.ts';
import { LABEL_CLOUD, LABEL_WATER } from '../raster.ts';
import type { Raster } from '../raster.ts';
import type { Scene } from '../scene.ts';

/** Smooth gradients as rendered, plus film grain, a gentle S-curve and a vignette. */
export function photo(scene: Scene, ras: Raster): Uint8Array {
  const { w, h, rgb } = ras;
  const out = new Uint8Array(w * h * 4);
  const seed = scene.styleSeed;
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const vy = (y + 0.5) / h - 0.5;
    const vx = (x + 0.5) / w - 0.5;
    const vignette = 1 - 0.55 * (vx * vx + vy * vy);
    const grain = (hash2(x, y, seed) + hash2(x + 7, y + 3, seed) - 1) * 0.035;
    for (let c = 0; c < 3; c++) {
      let v = rgb[p * 3 + c]! * vignette;
      v = v + 0.12 * v * (1 - v) * (2 * v - 1) * 2; // mild S-curve
      out[p * 4 + c] = toByte(v + grain);
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Flat cel shading from the raster (two tones) with dark ink outlines on terrain, lighter on clouds. */
export function anime(scene: Scene, ras: Raster): Uint8Array {
  const { w, h, rgb, edge, owner } = ras;
  const out = new Uint8Array(w * h * 4);
  const s = Math.min(w, h);
  const width = Math.max(0.8, s / 300);
  const cloudInk = scene.palette.cloudShadow;
  for (let p = 0; p < w * h; p++) {
    let r = rgb[p * 3]!;
    let g = rgb[p * 3 + 1]!;
    let b = rgb[p * 3 + 2]!;
    const o = owner[p]!;
    if (o >= LABEL_WATER) {
      const ink = clamp01(width + 0.5 - edge[p]!);
      r += (r * 0.2 + 0.03 - r) * ink;
      g += (g * 0.2 + 0.02 - g) * ink;
      b += (b * 0.25 + 0.08 - b) * ink;
    } else if (o === LABEL_CLOUD) {
      const ink = clamp01(width * 0.7 + 0.5 - edge[p]!) * 0.7;
      r += (cloudInk[0] * 0.8 - r) * ink;
      g += (cloudInk[1] * 0.8 - g) * ink;
      b += (cloudInk[2] * 0.85 - b) * ink;
    }
    out[p * 4] = toByte(r);
    out[p * 4 + 1] = toByte(g);
    out[p * 4 + 2] = toByte(b);
    out[p * 4 + 3] = 255;
  }
  return out;
}
