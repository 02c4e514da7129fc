// Layout: the scene placed at one size and animation phase (crest lines, clouds, sun, sky gradient).
import { clamp01, mixRgb } from './color.ts';
import type { RidgeSpec } from './composition.ts';
import { noise1 } from './random.ts';
import type { Scene } from './scene.ts';

export interface CloudShape {
  xs: Float32Array;
  ys: Float32Array;
  rs: Float32Array;
  base: number;
  top: number;
  minX: number;
  maxX: number;
  minY: number;
  soft: number;
}

export interface Layout {
  w: number;
  h: number;
  s: number;
  t: number;
  horizon: number;
  sunX: number;
  sunY: number;
  sunR: number;
  /** +1 when the sun is right of centre: lit faces look right. */
  lightDir: number;
  tops: Float32Array[];
  norms: Float32Array[];
  windowMin: Float32Array[];
  windowMax: Float32Array[];
  /** Smoothed crest slope of the terrain (without trees), -1..1, positive where it rises to the right. */
  faces: Float32Array[];
  /** Terrain crest without trees; the same array as `tops` when a ridge has none. */
  grounds: Float32Array[];
  /** Unsmoothed slope of the crest with trees, to light each pine's two sides. */
  treeFaces: Float32Array[];
  bases: Float32Array;
  amps: Float32Array;
  clouds: CloudShape[];
  /** Sky gradient per row (r, g, b). */
  sky: Float32Array;
}

export const EXACT_WINDOW = 3;

export function layout(scene: Scene, w: number, h: number, t: number): Layout {
  const { comp, palette, look } = scene;
  const s = Math.min(w, h);
  const wave = Math.sin(2 * Math.PI * t);
  const horizon = comp.horizon * h;
  const tops: Float32Array[] = [];
  const norms: Float32Array[] = [];
  const windowMin: Float32Array[] = [];
  const windowMax: Float32Array[] = [];
  const faces: Float32Array[] = [];
  const grounds: Float32Array[] = [];
  const treeFaces: Float32Array[] = [];
  const bases = new Float32Array(comp.ridges.length);
  const amps = new Float32Array(comp.ridges.length);
  for (const [i, spec] of comp.ridges.entries()) {
    // Parallax: near layers sway further than far ones while the video loops.
    const shift = spec.depth * 0.03 * wave;
    const ground = ridgeTops(spec, w, h, shift);
    const top = spec.trees.length > 0 ? withTrees(spec, ground, w, h, shift) : ground;
    grounds.push(ground);
    bases[i] = spec.base * h;
    amps[i] = Math.max(1, spec.kind === 'city' ? 0.3 * h : spec.amp * h);
    tops.push(top);
    const norm = new Float32Array(w);
    const face = new Float32Array(w);
    for (let x = 0; x < w; x++) {
      const slope = (top[Math.min(w - 1, x + 1)]! - top[Math.max(0, x - 1)]!) / 2;
      norm[x] = 1 / Math.sqrt(1 + slope * slope);
    }
    // Facet light comes from the crest slope, smoothed so faces are broad, not pixel streaks.
    const radius = Math.max(1, Math.round(s * 0.012));
    for (let x = 0; x < w; x++) {
      const a = ground[Math.max(0, x - radius)]!;
      const b = ground[Math.min(w - 1, x + radius)]!;
      face[x] = Math.tanh(((a - b) / (2 * radius)) * 1.6);
    }
    const treeFace = top === ground ? face : new Float32Array(w);
    if (top !== ground) {
      for (let x = 0; x < w; x++) treeFace[x] = Math.tanh((top[Math.max(0, x - 1)]! - top[Math.min(w - 1, x + 1)]!) * 0.8);
    }
    treeFaces.push(treeFace);
    norms.push(norm);
    faces.push(face);
    const lo = new Float32Array(w);
    const hi = new Float32Array(w);
    for (let x = 0; x < w; x++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let c = Math.max(0, x - EXACT_WINDOW); c <= Math.min(w - 1, x + EXACT_WINDOW); c++) {
        const v = top[c]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo[x] = mn;
      hi[x] = mx;
    }
    windowMin.push(lo);
    windowMax.push(hi);
  }

  const clouds: CloudShape[] = comp.clouds.map((c) => {
    const n = c.puffs.length / 3;
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    const rs = new Float32Array(n);
    const drift = 0.035 * s * Math.sin(2 * Math.PI * t + c.phase);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let meanR = 0;
    for (let i = 0; i < n; i++) {
      xs[i] = c.u * w + c.puffs[i * 3]! * s + drift;
      ys[i] = c.v * h + c.puffs[i * 3 + 1]! * s;
      rs[i] = c.puffs[i * 3 + 2]! * s;
      minX = Math.min(minX, xs[i]! - rs[i]!);
      maxX = Math.max(maxX, xs[i]! + rs[i]!);
      minY = Math.min(minY, ys[i]! - rs[i]!);
      meanR += rs[i]! / n;
    }
    return { xs, ys, rs, base: c.v * h, top: minY, minX, maxX, minY, soft: Math.max(1, look.cloudSoft * meanR) };
  });

  const sky = new Float32Array(h * 3);
  for (let y = 0; y < h; y++) {
    const a = Math.pow(clamp01((y + 0.5) / horizon), 1.7);
    const c = mixRgb(palette.skyTop, palette.skyHorizon, a);
    sky[y * 3] = c[0];
    sky[y * 3 + 1] = c[1];
    sky[y * 3 + 2] = c[2];
  }
  const sunX = comp.sunU * w;
  return {
    w, h, s, t, horizon, sunX, sunY: comp.sunV * h, sunR: comp.sunR * s, lightDir: sunX > w / 2 ? 1 : -1,
    tops, norms, windowMin, windowMax, faces, grounds, treeFaces, bases, amps, clouds, sky,
  };
}

function ridgeTops(spec: RidgeSpec, w: number, h: number, shift: number): Float32Array {
  const top = new Float32Array(w);
  const base = spec.base * h;
  if (spec.kind === 'city') {
    top.fill(base);
    const b = spec.buildings;
    for (let k = 0; k < b.length; k += 3) {
      const x0 = Math.max(0, Math.round((b[k]! + shift) * w));
      const x1 = Math.min(w, Math.round((b[k + 1]! + shift) * w));
      const y = base - b[k + 2]! * h;
      for (let x = x0; x < x1; x++) top[x] = Math.min(top[x]!, y);
    }
    return top;
  }
  for (let x = 0; x < w; x++) {
    const u = (x + 0.5) / w + shift;
    let height = 0;
    let norm = 0;
    let amplitude = 1;
    for (let o = 0; o < 5; o++) {
      const n = noise1(u * spec.freq * (1 << o) + o * 17.3, spec.seed + o);
      // Ridged noise gives sharp peaks for mountains; plain noise gives rolling hills.
      height += amplitude * (spec.kind === 'mountain' ? 1 - Math.abs(2 * n - 1) : n);
      norm += amplitude;
      amplitude *= spec.kind === 'mountain' ? 0.5 : 0.4;
    }
    height /= norm;
    if (spec.kind === 'mountain') height = height * height * 1.25;
    top[x] = base - spec.amp * h * height;
  }
  return top;
}

/** The crest with pines standing on it (the terrain itself is left as is for shading). */
function withTrees(spec: RidgeSpec, ground: Float32Array, w: number, h: number, shift: number): Float32Array {
  const top = Float32Array.from(ground);
  const trees = spec.trees;
  for (let k = 0; k < trees.length; k += 3) {
    const cx = (trees[k]! + shift) * w;
    const height = trees[k + 1]! * h;
    const half = trees[k + 2]! * w;
    const foot = ground[Math.max(0, Math.min(w - 1, Math.round(cx)))]! + height * 0.08;
    for (let x = Math.max(0, Math.floor(cx - half)); x < Math.min(w, Math.ceil(cx + half)); x++) {
      const d = Math.abs(x + 0.5 - cx) / half;
      // Two tiers give a pine silhouette rather than a plain triangle.
      const tier = d < 0.6 ? 1 - d * 0.9 : 0.46 - (d - 0.6) * 1.15;
      top[x] = Math.min(top[x]!, foot - height * Math.max(0, Math.max(1 - d, tier)));
    }
  }
  return top;
}
