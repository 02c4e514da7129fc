// Digital-look techniques built from blocks and facets: pixel art and low poly.
import { quantizeFrames } from '../../../../media/gif.ts';
import { toByte } from '../color.ts';
import { layout } from '../layout.ts';
import type { Layout } from '../layout.ts';
import { sfc32 } from '../random.ts';
import { LABEL_RIDGE, rasterize } from '../raster.ts';
import type { Raster } from '../raster.ts';
import type { Scene } from '../scene.ts';

/**
 * Renders at 1/B resolution without antialiasing, reduces the picture to a small adaptive palette with
 * a light ordered dither (median cut), then scales up with hard block edges.
 */
export function pixelArt(scene: Scene, w: number, h: number, t: number): Uint8Array {
  const block = Math.max(2, Math.min(16, Math.round(Math.min(w, h) / 64)));
  const gw = Math.ceil(w / block);
  const gh = Math.ceil(h / block);
  const lay = layout(scene, gw, gh, t);
  const ras = rasterize(scene, lay);
  const small = new Uint8Array(gw * gh * 4);
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const p = y * gw + x;
      let k = 1.06;
      // A dark rim on the crest of terrain, one block thick, as sprites and tiles have.
      if (ras.label[p]! >= LABEL_RIDGE && y > 0 && ras.label[p - gw]! < ras.label[p]!) k = 0.55;
      small[p * 4] = toByte(ras.rgb[p * 3]! * k);
      small[p * 4 + 1] = toByte(ras.rgb[p * 3 + 1]! * k);
      small[p * 4 + 2] = toByte(ras.rgb[p * 3 + 2]! * k * (k < 1 ? 1.1 : 1));
      small[p * 4 + 3] = 255;
    }
  }
  const { palette, indexed } = quantizeFrames([small], gw, { maxColours: 14, dither: 12 });
  const indices = indexed[0]!;
  const out = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const c = indices[Math.floor(y / block) * gw + Math.floor(x / block)]! * 3;
    const q = p * 4;
    out[q] = palette[c]!;
    out[q + 1] = palette[c + 1]!;
    out[q + 2] = palette[c + 2]!;
    out[q + 3] = 255;
  }
  return out;
}

/**
 * Flat-shaded triangles over a jittered grid whose vertices snap onto nearby crest lines, so the
 * silhouettes survive; each facet takes the averaged raster colour and a small per-facet light change.
 */
export function lowPoly(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, rgb } = ras;
  const s = lay.s;
  const cell = Math.max(4, s / 13);
  const nx = Math.ceil(w / cell);
  const ny = Math.ceil(h / cell);
  const rng = sfc32(scene.styleSeed, 0x10b0, nx, ny);
  const vx = new Float32Array((nx + 1) * (ny + 1));
  const vy = new Float32Array((nx + 1) * (ny + 1));
  for (let j = 0; j <= ny; j++) {
    for (let i = 0; i <= nx; i++) {
      const v = j * (nx + 1) + i;
      let x = Math.min(w, i * cell);
      let y = Math.min(h, j * cell);
      if (i > 0 && i < nx) x += (rng() - 0.5) * cell * 0.7;
      if (j > 0 && j < ny) y += (rng() - 0.5) * cell * 0.7;
      if (i > 0 && i < nx && j > 0 && j < ny) {
        // Snap to the nearest visible crest (or the horizon) within reach.
        const column = Math.max(0, Math.min(w - 1, Math.round(x)));
        let best = cell * 0.45;
        let snapped = y;
        const candidates = lay.tops.map((top) => top[column]!);
        if (scene.comp.sea || scene.comp.floor) candidates.push(lay.horizon);
        for (const c of candidates) {
          if (Math.abs(c - y) < best) {
            best = Math.abs(c - y);
            snapped = c;
          }
        }
        y = snapped;
      }
      vx[v] = x;
      vy[v] = y;
    }
  }
  const out = new Uint8Array(w * h * 4);
  const sample = (x: number, y: number, acc: Float64Array): void => {
    const p = (Math.max(0, Math.min(h - 1, Math.floor(y))) * w + Math.max(0, Math.min(w - 1, Math.floor(x)))) * 3;
    acc[0]! += rgb[p]!;
    acc[1]! += rgb[p + 1]!;
    acc[2]! += rgb[p + 2]!;
  };
  const acc = new Float64Array(3);
  const fill = (a: number, b: number, c: number): void => {
    const ax = vx[a]!, ay = vy[a]!, bx = vx[b]!, by = vy[b]!, cx = vx[c]!, cy = vy[c]!;
    const gx = (ax + bx + cx) / 3;
    const gy = (ay + by + cy) / 3;
    acc.fill(0);
    sample(gx, gy, acc);
    sample((gx + ax) / 2, (gy + ay) / 2, acc);
    sample((gx + bx) / 2, (gy + by) / 2, acc);
    sample((gx + cx) / 2, (gy + cy) / 2, acc);
    // Facets tilt a little toward or away from the light.
    const light = 0.9 + 0.2 * rng() + (((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)) > 0 ? 0.02 : -0.02);
    const cr = toByte((acc[0]! / 4) * light);
    const cg = toByte((acc[1]! / 4) * light);
    const cb = toByte((acc[2]! / 4) * light);
    const minX = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
    const maxX = Math.min(w - 1, Math.ceil(Math.max(ax, bx, cx)));
    const minY = Math.max(0, Math.floor(Math.min(ay, by, cy)));
    const maxY = Math.min(h - 1, Math.ceil(Math.max(ay, by, cy)));
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (area === 0) return;
    const sign = area > 0 ? 1 : -1;
    for (let y = minY; y <= maxY; y++) {
      const py = y + 0.5;
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5;
        // Inclusive edge tests with a hair of slack: shared edges may be drawn twice but never leave gaps.
        const w0 = sign * ((bx - ax) * (py - ay) - (by - ay) * (px - ax));
        const w1 = sign * ((cx - bx) * (py - by) - (cy - by) * (px - bx));
        const w2 = sign * ((ax - cx) * (py - cy) - (ay - cy) * (px - cx));
        if (w0 < -0.01 || w1 < -0.01 || w2 < -0.01) continue;
        const q = (y * w + x) * 4;
        out[q] = cr;
        out[q + 1] = cg;
        out[q + 2] = cb;
        out[q + 3] = 255;
      }
    }
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const a = j * (nx + 1) + i;
      const b = a + 1;
      const c = a + nx + 1;
      const d = c + 1;
      if ((i + j) & 1) {
        fill(a, b, d);
        fill(a, d, c);
      } else {
        fill(a, b, c);
        fill(b, d, c);
      }
    }
  }
  return out;
}
