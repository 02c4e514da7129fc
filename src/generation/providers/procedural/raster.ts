// Rasteriser: composites the layers back to front with analytic antialiasing into RGB plus, per pixel, region label, outline distance and owner, shade and depth.
import { clamp01, smoothstep } from './color.ts';
import { EXACT_WINDOW } from './layout.ts';
import type { Layout } from './layout.ts';
import { hash2 } from './random.ts';
import { field } from './scene.ts';
import type { Scene } from './scene.ts';

export const LABEL_SKY = 0;
export const LABEL_SUN = 1;
export const LABEL_CLOUD = 2;
export const LABEL_WATER = 3;
export const LABEL_RIDGE = 4;

export interface Raster {
  w: number;
  h: number;
  rgb: Float32Array;
  label: Uint8Array;
  edge: Float32Array;
  owner: Uint8Array;
  shade: Float32Array;
  /** Pixels below the crest of the ridge a pixel belongs to (0 elsewhere). */
  depth: Float32Array;
}

export function rasterize(scene: Scene, lay: Layout): Raster {
  const { w, h, s } = lay;
  const { comp, palette: pal, look } = scene;
  const n = w * h;
  const rgb = new Float32Array(n * 3);
  const label = new Uint8Array(n);
  const edge = new Float32Array(n);
  const owner = new Uint8Array(n);
  const shadeOut = new Float32Array(n);
  const depthOut = new Float32Array(n);
  const detail = field(scene, 'detail', w, h);
  const ripple = comp.sea ? field(scene, 'ripple', w, h) : undefined;
  const ridgeCount = lay.tops.length;
  const cov = new Float32Array(ridgeCount);
  const cloudSd = new Float32Array(lay.clouds.length);
  const hasWater = comp.sea || comp.floor;
  const aa = look.aa;
  const texture = look.texture;
  const cel = look.cel;
  const phase = 2 * Math.PI * lay.t;
  const glowPulse = pal.glowStrength * (1 + 0.12 * Math.sin(phase));
  const sunVisible = lay.sunY < lay.horizon + lay.sunR;
  const starSeed = comp.salt ^ 0x5a17;
  const windowCell = Math.max(3, s / 100);
  const windowLight = scene.technique === 'cyberpunk' ? 0 : comp.time === 'night' ? 0.85 : comp.time === 'sunset' ? 0.5 : 0.18;
  const windowThreshold = comp.time === 'day' ? 0.3 : 0.55;

  // One flat loop, not nested: V8 compiles a hot loop on the stack (OSR) and would throw that code
  // away each time an inner loop exits, i.e. once per row.
  for (let p = 0; p < n; p++) {
    const x = p % w;
    const y = (p - x) / w;
    const py = y + 0.5;
    const skyR = lay.sky[y * 3]!;
    const skyG = lay.sky[y * 3 + 1]!;
    const skyB = lay.sky[y * 3 + 2]!;
    const px = x + 0.5;
    const nz = detail[p]!;

    // Front layers first, nearest to farthest: they decide what of the sky shows and which outlines
    // are visible, and once one covers the pixel fully nothing behind it matters.
    let top = -1; // nearest layer covering >= 0.5: ridge i, or ridgeCount for water
    let fullFrom = -2; // nearest fully covering layer: compositing starts there
    let e = 1e9; // distance to the nearest visible outline, and whose it is
    let o = LABEL_SKY;
    let covered = false;
    let covWater = 0;
    if (hasWater) {
      const sd = lay.horizon - py;
      covWater = aa ? clamp01(0.5 - sd) : sd < 0 ? 1 : 0;
      e = sd < 0 ? -sd : sd;
      o = LABEL_WATER;
      if (covWater >= 0.5) {
        top = ridgeCount;
        covered = true;
      }
      if (covWater >= 1) fullFrom = ridgeCount;
    }
    for (let i = ridgeCount - 1; i >= 0 && fullFrom === -2; i--) {
      const sd = ridgeSd(lay, i, x, px, py);
      const c = aa ? clamp01(0.5 - sd) : sd < 0 ? 1 : 0;
      const d = sd < 0 ? -sd : sd;
      cov[i] = c;
      if (!covered && d < e) {
        e = d;
        o = LABEL_RIDGE + i;
      }
      if (c >= 0.5) {
        if (top < 0) top = i;
        covered = true;
      }
      if (c >= 1) fullFrom = i;
    }

    let r = 0;
    let g = 0;
    let b = 0;
    let shade = 0.5;
    let lab = LABEL_SKY;
    let depth = 0;
    if (fullFrom === -2) {
      // Sky, sun and clouds show at least partly here.
      const dxs = px - lay.sunX;
      const dys = py - lay.sunY;
      const dSun = Math.sqrt(dxs * dxs + dys * dys);
      const glow = sunVisible ? glowPulse * (0.75 * Math.exp(-(dSun - lay.sunR) / (s * 0.05)) + 0.35 * Math.exp(-dSun / (s * 0.3))) : 0;
      r = skyR + pal.glow[0] * glow * (1 - skyR);
      g = skyG + pal.glow[1] * glow * (1 - skyG);
      b = skyB + pal.glow[2] * glow * (1 - skyB);
      shade = 1 - clamp01(py / lay.horizon) * 0.4;
      if (pal.stars > 0 && py < lay.horizon) {
        const star = hash2(x, y, starSeed);
        if (star > 0.9965) {
          const twinkle = 0.65 + 0.35 * Math.sin(phase + star * 9000);
          const k = pal.stars * twinkle * (1 - py / lay.horizon) * (star - 0.9965) / 0.0035;
          r += k;
          g += k;
          b += k * 0.95;
        }
      }
      // Sun disc, striped in its lower half for the synthwave look.
      let sunSd = dSun - lay.sunR;
      if (scene.technique === 'cyberpunk' && dys > 0) {
        // Gaps widen toward the bottom; inside a gap the distance is positive (outside the disc).
        const period = lay.sunR * 0.22;
        const gap = (dys / lay.sunR) * period * 0.6;
        const m = dys % period;
        const stripeSd = m < gap ? Math.min(m, gap - m) : -Math.min(m - gap, period - m);
        sunSd = Math.max(sunSd, stripeSd);
      }
      const sunCov = aa ? clamp01(0.5 - sunSd) : sunSd < 0 ? 1 : 0;
      if (sunCov > 0) {
        const k = clamp01((py - (lay.sunY - lay.sunR)) / (2 * lay.sunR));
        const sr = pal.sun[0] + (pal.sunBottom[0] - pal.sun[0]) * k;
        const sg = pal.sun[1] + (pal.sunBottom[1] - pal.sun[1]) * k;
        const sb = pal.sun[2] + (pal.sunBottom[2] - pal.sun[2]) * k;
        r += (sr - r) * sunCov;
        g += (sg - g) * sunCov;
        b += (sb - b) * sunCov;
        if (sunCov >= 0.5) {
          lab = LABEL_SUN;
          shade = 1;
        }
      }
      let cloudCovered = false;
      for (let c = 0; c < lay.clouds.length; c++) {
        const cl = lay.clouds[c]!;
        const pad = cl.soft + 2;
        let sd = 1e9;
        if (px > cl.minX - pad && px < cl.maxX + pad && py > cl.minY - pad && py < cl.base + pad) {
          for (let k = 0; k < cl.xs.length; k++) {
            const dx = px - cl.xs[k]!;
            const dy = py - cl.ys[k]!;
            const d = Math.sqrt(dx * dx + dy * dy) - cl.rs[k]!;
            if (d < sd) sd = d;
          }
          sd = Math.max(sd, py - cl.base);
        }
        cloudSd[c] = sd;
        const cc = aa ? clamp01(0.5 - sd / cl.soft) : sd < 0 ? 1 : 0;
        if (cc > 0) {
          let k = clamp01((cl.base - py) / Math.max(1, cl.base - cl.top));
          if (cel) k = k > 0.3 ? 1 : 0.25;
          else k = Math.sqrt(k) * (1 + texture * (nz - 0.5) * 0.5);
          const lit = sunVisible ? clamp01(1 - Math.abs(px - lay.sunX) / (s * 0.6)) * 0.25 * pal.glowStrength : 0;
          const cr = pal.cloudShadow[0] + (pal.cloudLight[0] - pal.cloudShadow[0]) * k + pal.glow[0] * lit;
          const cg = pal.cloudShadow[1] + (pal.cloudLight[1] - pal.cloudShadow[1]) * k + pal.glow[1] * lit;
          const cb = pal.cloudShadow[2] + (pal.cloudLight[2] - pal.cloudShadow[2]) * k + pal.glow[2] * lit;
          r += (cr - r) * cc;
          g += (cg - g) * cc;
          b += (cb - b) * cc;
          if (cc >= 0.5) {
            lab = LABEL_CLOUD;
            shade = k;
          }
        }
      }
      if (!covered) {
        for (let c = lay.clouds.length - 1; c >= 0; c--) {
          const sd = cloudSd[c]!;
          const d = sd < 0 ? -sd : sd;
          if (!cloudCovered && d < e) {
            e = d;
            o = LABEL_CLOUD;
          }
          if (sd < 0) cloudCovered = true;
        }
        const d = Math.abs(sunSd);
        if (!cloudCovered && sunVisible && d < e) {
          e = d;
          o = LABEL_SUN;
        }
      }
    }

    const firstRidge = fullFrom === -2 ? 0 : fullFrom;
    for (let i = firstRidge; i < ridgeCount; i++) {
      const c = cov[i]!;
      if (c <= 0) continue;
      const spec = comp.ridges[i]!;
      const crest = lay.tops[i]![x]!;
      const below = py - crest;
      const base = pal.ridges[spec.tone];
      let k: number;
      let cr: number;
      let cg: number;
      let cb: number;
      if (spec.kind === 'city') {
        k = 0.45 + 0.1 * nz;
        const body = 0.6 + 0.15 * nz;
        cr = base[0] * body;
        cg = base[1] * body;
        cb = base[2] * body;
        if (windowLight > 0) {
          // A window grid: warm lights at night, a faint glint by day (cyberpunk paints its own neon).
          const cxi = Math.floor(px / windowCell);
          const cyi = Math.floor(py / (windowCell * 1.5));
          const fx = px / windowCell - cxi;
          const fy = py / (windowCell * 1.5) - cyi;
          const lit = hash2(cxi, cyi, starSeed);
          if (below > windowCell && fx > 0.3 && fx < 0.75 && fy > 0.3 && fy < 0.75 && lit > windowThreshold) {
            cr += (pal.sunBottom[0] - cr) * windowLight;
            cg += (pal.sunBottom[1] - cg) * windowLight;
            cb += (pal.sunBottom[2] - cb) * windowLight * 0.8;
          }
        }
      } else {
        // Light the faces below the crest with the crest's slope. Faces fan out downhill from each peak
        // (sample toward the peak), a slow noise bends them and they fade with depth: rock faces, not stripes.
        const groundBelow = py - lay.grounds[i]![x]!;
        let face: number;
        if (groundBelow < 0) {
          face = lay.treeFaces[i]![x]! * lay.lightDir; // inside a pine
        } else {
          const reach = Math.min(groundBelow, s * 0.12);
          const slow = detail[(y >> 2) * w + (x >> 2)]!;
          const own = lay.faces[i]![x]!;
          const column = Math.max(0, Math.min(w - 1, Math.round(x + (own >= 0 ? 0.45 : -0.45) * reach + (slow - 0.5) * reach * 0.8)));
          face = lay.faces[i]![column]! * lay.lightDir * (1 - 0.5 * clamp01(groundBelow / (s * 0.25)));
        }
        // Cel shading keeps only the facet light: a depth gradient would band into a dark strip.
        if (spec.kind === 'hills') k = 0.62 + 0.18 * face - (cel ? 0 : clamp01(groundBelow / (s * 0.35)) * 0.35) + texture * (nz - 0.5) * 0.35;
        else k = 0.5 + 0.42 * face + texture * (nz - 0.5) * 0.45;
        k = clamp01(k);
        if (cel) k = k > 0.5 ? 0.85 : 0.2;
        const tr = pal.shadowTint[0] + (pal.lightTint[0] - pal.shadowTint[0]) * k;
        const tg = pal.shadowTint[1] + (pal.lightTint[1] - pal.shadowTint[1]) * k;
        const tb = pal.shadowTint[2] + (pal.lightTint[2] - pal.shadowTint[2]) * k;
        let br = base[0];
        let bg = base[1];
        let bb = base[2];
        if (spec.snow) {
          const line = lay.bases[i]! - lay.amps[i]! * (spec.kind === 'mountain' ? 0.55 : 0.0) + (nz - 0.5) * lay.amps[i]! * 0.5;
          const snow = spec.kind === 'mountain' ? (cel || !aa ? (py < line ? 1 : 0) : smoothstep(line + 1, line - 1, py)) : 0.6 * clamp01(1 - nz * 1.5);
          br += (pal.snow[0] - br) * snow;
          bg += (pal.snow[1] - bg) * snow;
          bb += (pal.snow[2] - bb) * snow;
        }
        cr = br * tr;
        cg = bg * tg;
        cb = bb * tb;
        // Aerial perspective: far ridges fade toward the horizon colour, most of all at their feet.
        const haze = pal.haze * (1 - spec.depth);
        if (haze > 0) {
          const mist = haze * (0.5 + 0.5 * clamp01(below / Math.max(1, lay.bases[i]! - crest)));
          cr += (lay.sky[Math.min(h - 1, Math.floor(lay.horizon)) * 3]! - cr) * mist;
          cg += (lay.sky[Math.min(h - 1, Math.floor(lay.horizon)) * 3 + 1]! - cg) * mist;
          cb += (lay.sky[Math.min(h - 1, Math.floor(lay.horizon)) * 3 + 2]! - cb) * mist;
        }
      }
      r += (cr - r) * c;
      g += (cg - g) * c;
      b += (cb - b) * c;
      if (c >= 0.5) {
        lab = LABEL_RIDGE + i;
        shade = k;
        depth = below;
      }
    }

    if (covWater > 0) {
      let wr: number;
      let wg: number;
      let wb: number;
      let k = 0.4;
      if (comp.floor) {
        wr = pal.water[0];
        wg = pal.water[1];
        wb = pal.water[2];
      } else {
        const rip = ripple ? ripple[p]! : 0.5;
        const below = (py - lay.horizon) / Math.max(1, h - lay.horizon);
        const wave = Math.sin(phase + rip * 12.5);
        // Mirror the sky and ridges about the horizon, wobbled by the ripples.
        const my = 2 * lay.horizon - py + (rip - 0.5 + wave * 0.15) * s * 0.014 * (0.2 + below);
        const mx = Math.max(0, Math.min(w - 1, Math.round(px + (rip - 0.5) * s * 0.01 * below)));
        const row = Math.max(0, Math.min(h - 1, Math.floor(my)));
        wr = lay.sky[row * 3]!;
        wg = lay.sky[row * 3 + 1]!;
        wb = lay.sky[row * 3 + 2]!;
        for (let i = ridgeCount - 1; i >= 0; i--) {
          if (my > lay.tops[i]![mx]!) {
            const base = pal.ridges[comp.ridges[i]!.tone];
            const haze = pal.haze * (1 - comp.ridges[i]!.depth);
            wr = base[0] * pal.shadowTint[0] + (wr - base[0] * pal.shadowTint[0]) * haze;
            wg = base[1] * pal.shadowTint[1] + (wg - base[1] * pal.shadowTint[1]) * haze;
            wb = base[2] * pal.shadowTint[2] + (wb - base[2] * pal.shadowTint[2]) * haze;
            break;
          }
        }
        const mix = 0.35 + 0.3 * below;
        wr = wr * 0.85 + (pal.water[0] - wr * 0.85) * mix;
        wg = wg * 0.85 + (pal.water[1] - wg * 0.85) * mix;
        wb = wb * 0.85 + (pal.water[2] - wb * 0.85) * mix;
        k = rip;
        if (cel) {
          const streak = rip + wave * 0.08 > 0.68 ? 0.18 : 0;
          wr += streak;
          wg += streak;
          wb += streak;
        } else {
          const sheen = (rip - 0.5) * 0.12 * (1 - below);
          wr += sheen;
          wg += sheen;
          wb += sheen;
        }
        if (sunVisible) {
          // The sun's glitter path.
          const spread = lay.sunR * (0.7 + 3 * below);
          const dx = (px - lay.sunX) / spread;
          const glitter = Math.exp(-dx * dx) * smoothstep(0.45, 0.75, rip + wave * 0.1) * 0.9;
          wr += (pal.sun[0] - wr) * glitter;
          wg += (pal.sun[1] - wg) * glitter;
          wb += (pal.sun[2] - wb) * glitter;
        }
      }
      r += (wr - r) * covWater;
      g += (wg - g) * covWater;
      b += (wb - b) * covWater;
      if (covWater >= 0.5) {
        lab = LABEL_WATER;
        shade = k;
        depth = py - lay.horizon;
      }
    }

    rgb[p * 3] = r;
    rgb[p * 3 + 1] = g;
    rgb[p * 3 + 2] = b;
    label[p] = top === ridgeCount ? LABEL_WATER : top >= 0 ? LABEL_RIDGE + top : lab;
    edge[p] = e;
    owner[p] = o;
    shadeOut[p] = shade;
    depthOut[p] = depth;
  }
  return { w, h, rgb, label, edge, owner, shade: shadeOut, depth: depthOut };
}

/** Signed distance in pixels to ridge i's crest polyline (negative below it, i.e. inside the ridge). */
function ridgeSd(lay: Layout, i: number, x: number, px: number, py: number): number {
  const top = lay.tops[i]!;
  const crest = top[x]!;
  const inside = py > crest;
  const lo = lay.windowMin[i]![x]!;
  const hi = lay.windowMax[i]![x]!;
  if (py < lo - EXACT_WINDOW || py > hi + EXACT_WINDOW) {
    // Slope-corrected vertical distance, but never less than the gap to the nearby crest points:
    // at a wall (a skyline) the slope is huge and the correction alone would claim the whole column.
    const d = Math.max(Math.abs(py - crest) * lay.norms[i]![x]!, py < lo ? lo - py : py - hi);
    return inside ? -d : d;
  }
  // Near the crest, measure to the actual segments so steep walls and pine tips stay crisp.
  const w = lay.w;
  const x0 = Math.max(0, x - EXACT_WINDOW);
  const x1 = Math.min(w - 1, x + EXACT_WINDOW);
  let best = (py - crest) * (py - crest);
  for (let c = x0; c < x1; c++) {
    const ax = c + 0.5;
    const ay = top[c]!;
    const dy = top[c + 1]! - ay;
    const t = clamp01(((px - ax) + (py - ay) * dy) / (1 + dy * dy));
    const ex = px - (ax + t);
    const ey = py - (ay + dy * t);
    const d2 = ex * ex + ey * ey;
    if (d2 < best) best = d2;
  }
  const d = Math.sqrt(best);
  return inside ? -d : d;
}
