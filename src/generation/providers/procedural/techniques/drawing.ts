// Monochrome drawing techniques: pencil sketch (hatching on paper) and line art (black ink on white).
import { clamp01, smoothstep, toByte } from '../color.ts';
import type { Layout } from '../layout.ts';
import { hash2 } from '../random.ts';
import { LABEL_CLOUD, LABEL_RIDGE, LABEL_SKY, LABEL_SUN, LABEL_WATER } from '../raster.ts';
import type { Raster } from '../raster.ts';
import { field } from '../scene.ts';
import type { Scene } from '../scene.ts';

/** Graphite on paper: up to three hatching layers by tone, wobbling by noise, plus sketchy outlines. */
export function sketch(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, rgb, edge, label } = ras;
  const s = lay.s;
  const detail = field(scene, 'detail', w, h);
  const spacing = Math.max(3, s / 80);
  const outline = Math.max(0.7, s / 420);
  const seed = scene.styleSeed;
  const out = new Uint8Array(w * h * 4);
  const dirs = [0.7071, 0.7071, 0.7071, -0.7071, 0.98, 0.2];
  const thresholds = [0.22, 0.48, 0.74];
  // Stretch the luminance range so dark (sunset, night) scenes still read as drawings, not smudges.
  let lo = 1;
  let hi = 0;
  for (let p = 0; p < w * h; p += 7) {
    const l = 0.3 * rgb[p * 3]! + 0.59 * rgb[p * 3 + 1]! + 0.11 * rgb[p * 3 + 2]!;
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  const span = Math.max(0.05, hi - lo);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const py = y + 0.5;
    const px = x + 0.5;
    const lum = 0.3 * rgb[p * 3]! + 0.59 * rgb[p * 3 + 1]! + 0.11 * rgb[p * 3 + 2]!;
    const lab = label[p]!;
    let tone = Math.pow(clamp01(1 - (lum - lo) / span), 1.6) * 0.82;
    if (lab === LABEL_SKY) tone *= 0.35;
    else if (lab === LABEL_SUN || lab === LABEL_CLOUD) tone *= 0.3;
    const wob = (detail[p]! - 0.5) * spacing * 1.5;
    let dark = 0;
    for (let k = 0; k < 3; k++) {
      const amount = clamp01((tone - thresholds[k]!) / 0.28);
      if (amount <= 0) break;
      const q = (px * dirs[k * 2]! + py * dirs[k * 2 + 1]! + wob) / spacing;
      const d = Math.abs(q - Math.floor(q) - 0.5) * spacing;
      const half = 0.2 + amount * spacing * 0.12;
      const c = clamp01(half - d + 0.5) * (0.4 + 0.4 * amount);
      dark = 1 - (1 - dark) * (1 - c);
    }
    const e = edge[p]!;
    const line = clamp01(outline + 0.5 - e) * 0.9 + clamp01(outline + 1.5 - e) * 0.15 * (detail[p]! > 0.5 ? 1 : 0);
    dark = 1 - (1 - dark) * (1 - clamp01(line));
    dark *= 0.82 + 0.18 * hash2(x >> 1, y, seed); // graphite catches the paper's tooth
    const paper = 0.965 + (hash2(x, y, seed ^ 0x5151) - 0.5) * 0.03;
    const v = paper * (1 - dark) + 0.17 * dark;
    const byte = toByte(v);
    out[p * 4] = byte;
    out[p * 4 + 1] = byte;
    out[p * 4 + 2] = byte;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Black ink on white: outlines, hatching on shadowed slopes near the crest, ripples, sun rays. */
export function lineArt(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, edge, label, shade, depth } = ras;
  const s = lay.s;
  const ripple = scene.comp.sea ? field(scene, 'ripple', w, h) : undefined;
  const width = Math.max(0.8, s / 300);
  const hatch = Math.max(3, s / 64);
  const rippleSpacing = Math.max(3, s / 40);
  const out = new Uint8Array(w * h * 4);
  const rayCount = 14;
  const night = scene.comp.time === 'night';
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const py = y + 0.5;
    const px = x + 0.5;
    let ink = clamp01(width + 0.5 - edge[p]!);
    const lab = label[p]!;
    if (lab >= LABEL_RIDGE && shade[p]! < 0.5 && scene.comp.ridges[lab - LABEL_RIDGE]?.kind !== 'city') {
      const reach = s * 0.09;
      const fade = clamp01(1 - depth[p]! / reach);
      if (fade > 0) {
        const q = (px - py * 0.8) / hatch;
        const d = Math.abs(q - Math.floor(q) - 0.5) * hatch;
        ink = Math.max(ink, clamp01(0.35 + fade * 0.5 - d + 0.5) * fade);
      }
    } else if (lab === LABEL_WATER && ripple) {
      const q = (py - lay.horizon) / rippleSpacing;
      const d = Math.abs(q - Math.floor(q) - 0.5) * rippleSpacing;
      if (ripple[p]! > 0.62) ink = Math.max(ink, clamp01(0.55 - d + 0.5) * smoothstep(0.62, 0.7, ripple[p]!));
    } else if (lab === LABEL_SKY && !night && lay.sunY < lay.horizon) {
      const dx = px - lay.sunX;
      const dy = py - lay.sunY;
      const dist = Math.sqrt(dx * dx + dy * dy);
      if (dist > lay.sunR * 1.35 && dist < lay.sunR * 1.9) {
        const a = ((Math.atan2(dy, dx) / (2 * Math.PI) + 0.5) * rayCount) % 1;
        const d = Math.abs(a - 0.5) * ((2 * Math.PI * dist) / rayCount);
        ink = Math.max(ink, clamp01(width * 0.8 + 0.5 - d));
      }
    }
    const v = toByte(1 - ink);
    out[p * 4] = v;
    out[p * 4 + 1] = v;
    out[p * 4 + 2] = v;
    out[p * 4 + 3] = 255;
  }
  return out;
}
