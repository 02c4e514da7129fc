// Dramatic-light techniques: cyberpunk (neon outlines, grid floor, rain) and fantasy (god rays, rim light, sparkles).
import { clamp01, hex, mixRgb, smoothstep, toByte } from '../color.ts';
import type { Layout } from '../layout.ts';
import { hash2, noise1 } from '../random.ts';
import { LABEL_CLOUD, LABEL_RIDGE, LABEL_WATER } from '../raster.ts';
import type { Raster } from '../raster.ts';
import type { Scene } from '../scene.ts';

/** Neon night: glowing magenta/cyan outlines, a perspective grid floor, lit windows, rain streaks. */
export function cyberpunk(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, rgb, edge, owner, label } = ras;
  const s = lay.s;
  const out = new Uint8Array(w * h * 4);
  const magenta = hex(0xff2bd6);
  const cyan = hex(0x19f0ff);
  const amber = hex(0xffb347);
  const core = Math.max(0.7, s / 400);
  const glowWidth = s * 0.012;
  const cell = Math.max(3, Math.round(s / 90));
  const seed = scene.styleSeed;
  const horizon = lay.horizon;
  const vanishX = w / 2;
  const rainSpacing = Math.max(4, s / 45);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const py = y + 0.5;
    const px = x + 0.5;
    let r = rgb[p * 3]!;
    let g = rgb[p * 3 + 1]!;
    let b = rgb[p * 3 + 2]!;
    const lab = label[p]!;
    if (lab === LABEL_WATER && py > horizon) {
      // Grid floor: lines at constant depth z and constant lateral X, antialiased by their screen derivative.
      const yn = (py - horizon) / (h - horizon);
      const z = 1 / yn;
      const zz = z * 2 + lay.t * 2;
      const dz = (2 / (yn * yn)) / (h - horizon);
      const lz = Math.abs(zz - Math.round(zz)) / dz;
      const lateral = ((px - vanishX) / w) * z * 6;
      const dl = (z * 6) / w;
      const lx = Math.abs(lateral - Math.round(lateral)) / dl;
      const line = Math.max(clamp01(1.2 - lz), clamp01(1.2 - lx));
      const fade = clamp01(yn * 6);
      const glow = (Math.exp(-lz / 3) + Math.exp(-lx / 3)) * 0.35;
      const k = (line * 0.9 + glow) * fade;
      const c = mixRgb(magenta, cyan, clamp01(yn * 1.4));
      r += c[0] * k;
      g += c[1] * k;
      b += c[2] * k;
    } else if (lab >= LABEL_RIDGE && scene.comp.ridges[lab - LABEL_RIDGE]?.kind === 'city' && edge[p]! > 1.5) {
      const cxi = Math.floor(px / cell);
      const cyi = Math.floor(py / (cell * 1.4));
      const fx = px / cell - cxi;
      const fy = py / (cell * 1.4) - cyi;
      const lit = hash2(cxi, cyi, seed);
      if (lit > 0.62 && fx > 0.25 && fx < 0.75 && fy > 0.3 && fy < 0.75) {
        const pick = hash2(cxi, cyi, seed ^ 0x1234);
        const c = pick < 0.4 ? cyan : pick < 0.75 ? magenta : amber;
        const k = 0.45 + 0.5 * (lit - 0.62) / 0.38;
        r += (c[0] - r) * k;
        g += (c[1] - g) * k;
        b += (c[2] - b) * k;
      }
    }
    const o = owner[p]!;
    if (o >= LABEL_WATER) {
      const d = edge[p]!;
      const c = o === LABEL_WATER ? magenta : scene.comp.ridges[o - LABEL_RIDGE]?.kind === 'city' ? cyan : magenta;
      const k = clamp01(core + 0.5 - d) + 0.55 * Math.exp(-d / glowWidth);
      r += c[0] * k;
      g += c[1] * k;
      b += c[2] * k;
    }
    // Rain: sparse slanted streaks falling through the loop.
    const slant = px + py * 0.18;
    const column = Math.floor(slant / rainSpacing);
    const rain = hash2(column, 0, seed ^ 0x9a1);
    if (rain > 0.55) {
      const offset = Math.abs(slant - (column + 0.5) * rainSpacing);
      const fall = (py / (s * 0.22) + rain * 7 - lay.t * 2) % 1;
      if (offset < 0.6 && fall < 0.35) {
        const k = 0.16 * (1 - fall / 0.35);
        r += k * 0.7;
        g += k * 0.85;
        b += k;
      }
    }
    const vx = px / w - 0.5;
    const vy = py / h - 0.5;
    const vignette = 1 - 0.7 * (vx * vx + vy * vy);
    out[p * 4] = toByte(r * vignette);
    out[p * 4 + 1] = toByte(g * vignette);
    out[p * 4 + 2] = toByte(b * vignette);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Dramatic backlight: golden god rays from the sun, gold rim light on crests, sparkles, deep vignette. */
export function fantasy(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, rgb, edge, owner, label, depth } = ras;
  const s = lay.s;
  const pal = scene.palette;
  const out = new Uint8Array(w * h * 4);
  const rays = new Float32Array(720);
  const raySeed = scene.styleSeed;
  const sway = 0.04 * Math.sin(2 * Math.PI * lay.t);
  for (let i = 0; i < rays.length; i++) {
    // Periodic angular noise: sample a circle through 1D noise so 0 and 2*pi meet.
    const a = (i / rays.length) * 24;
    const n = noise1(a, raySeed) * 0.6 + noise1(a * 2.3, raySeed + 1) * 0.4;
    const wrap = noise1(a - 24, raySeed) * 0.6 + noise1((a - 24) * 2.3, raySeed + 1) * 0.4;
    const blend = smoothstep(20, 24, a);
    rays[i] = Math.pow(n + (wrap - n) * blend, 2.2);
  }
  const gold = pal.glow;
  const rim = Math.max(1.5, s * 0.008);
  for (let p = 0; p < w * h; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const py = y + 0.5;
    const px = x + 0.5;
    let r = rgb[p * 3]!;
    let g = rgb[p * 3 + 1]!;
    let b = rgb[p * 3 + 2]!;
    const dx = px - lay.sunX;
    const dy = py - lay.sunY;
    const dist = Math.sqrt(dx * dx + dy * dy);
    const angle = Math.atan2(dy, dx) / (2 * Math.PI) + 0.5 + sway;
    const idx = Math.floor((angle - Math.floor(angle)) * rays.length) % rays.length;
    const lab = label[p]!;
    const through = lab <= LABEL_CLOUD ? 1 : lab === LABEL_WATER ? 0.5 : 0.35 / (1 + (lab - LABEL_RIDGE));
    const ray = rays[idx]! * Math.exp(-dist / (s * 0.5)) * 0.85 * through * smoothstep(lay.sunR * 0.8, lay.sunR * 1.6, dist);
    r += gold[0] * ray;
    g += gold[1] * ray;
    b += gold[2] * ray;
    if (lab >= LABEL_RIDGE && owner[p]! === lab) {
      const k = Math.exp(-depth[p]! / rim) * 0.8 * clamp01(1.2 - Math.abs(dx) / (s * 0.7));
      r += gold[0] * k;
      g += gold[1] * k * 0.9;
      b += gold[2] * k * 0.6;
    }
    if (lab <= LABEL_CLOUD && edge[p]! > 1) {
      const sparkle = hash2(x >> 2, y >> 2, raySeed ^ 0x44);
      if (sparkle > 0.996) {
        const cx = ((x >> 2) << 2) + 2;
        const cy = ((y >> 2) << 2) + 2;
        const ddx = Math.abs(px - cx);
        const ddy = Math.abs(py - cy);
        const twinkle = 0.6 + 0.4 * Math.sin(2 * Math.PI * lay.t + sparkle * 5000);
        const k = clamp01(1.5 - Math.min(ddx, ddy) * 1.2 - Math.max(ddx, ddy) * 0.5) * twinkle;
        r += k;
        g += k * 0.95;
        b += k * 0.8;
      }
    }
    const vx = px / w - 0.5;
    const vy = py / h - 0.5;
    const vignette = clamp01(1 - 1.1 * (vx * vx + vy * vy));
    out[p * 4] = toByte(contrast(r * vignette));
    out[p * 4 + 1] = toByte(contrast(g * vignette));
    out[p * 4 + 2] = toByte(contrast(b * vignette));
    out[p * 4 + 3] = 255;
  }
  return out;
}

function contrast(v: number): number {
  const c = clamp01(v);
  return c + 0.3 * c * (1 - c) * (2 * c - 1);
}
