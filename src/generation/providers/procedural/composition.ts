// Composition: prompt words and hash → what is in the picture, in size-independent units (u across, v down, both 0..1).
import { noise1, range } from './random.ts';
import type { Rng } from './random.ts';

export type TimeOfDay = 'day' | 'sunset' | 'night';
export type Technique = 'photo' | 'anime' | 'oil' | 'pixel' | 'watercolor' | 'cyberpunk' | 'fantasy' | 'sketch' | 'lowpoly' | 'lineart';

export const TECHNIQUE_BY_STYLE: ReadonlyMap<string, Technique> = new Map<string, Technique>([
  ['photo', 'photo'],
  ['anime', 'anime'],
  ['oil-painting', 'oil'],
  ['pixel-art', 'pixel'],
  ['watercolor', 'watercolor'],
  ['cyberpunk', 'cyberpunk'],
  ['fantasy-art', 'fantasy'],
  ['sketch', 'sketch'],
  ['low-poly', 'lowpoly'],
  ['line-art', 'lineart'],
]);

export interface RidgeSpec {
  kind: 'mountain' | 'hills' | 'city';
  /** v of the ridge's foot; the crest rises `amp` above it. */
  base: number;
  amp: number;
  freq: number;
  seed: number;
  /** 0 = farthest .. 1 = nearest: drives haze and parallax. */
  depth: number;
  /** Palette slot: 0 far, 1 mid, 2 near. */
  tone: 0 | 1 | 2;
  snow: boolean;
  /** (u, height, halfWidth) triplets of pines standing on the crest. */
  trees: Float32Array;
  /** (u0, u1, height) triplets of a skyline. */
  buildings: Float32Array;
}

export interface CloudSpec {
  u: number;
  v: number;
  /** (du, dv, r) triplets in units of the image size. */
  puffs: Float32Array;
  phase: number;
}

export interface Composition {
  time: TimeOfDay;
  sea: boolean;
  /** Neon grid floor instead of ground (cyberpunk). */
  floor: boolean;
  horizon: number;
  sunU: number;
  sunV: number;
  sunR: number;
  ridges: RidgeSpec[];
  clouds: CloudSpec[];
  hueShift: number;
  ground: number;
  salt: number;
}

export interface Hints {
  night: boolean;
  sunset: boolean;
  sea: boolean;
  forest: boolean;
  city: boolean;
  snow: boolean;
}

// A handful of words (English, Russian, Persian) steer the composition; everything else is hash-driven.
const HINT_PATTERNS: Readonly<Record<keyof Hints, RegExp>> = {
  night: /\b(night|moon|stars?|midnight)\b|ночь|ночн|луна|лун[ыо]|звезд|شب|ماه|ستاره/iu,
  sunset: /\b(sunset|sunrise|dusk|dawn|evening)\b|закат|рассвет|вечер|غروب|طلوع/iu,
  sea: /\b(sea|ocean|lake|beach|coast|river|water|bay)\b|море|морск|океан|озер|пляж|река|دریا|اقیانوس|ساحل/iu,
  forest: /\b(forest|trees?|woods?|pines?|jungle)\b|лес|дерев|сосн|جنگل|درخت/iu,
  city: /\b(city|town|street|buildings?|skyline|downtown)\b|город|улиц|здани|شهر|خیابان/iu,
  snow: /\b(snow|winter|ice|frozen|alps?)\b|снег|зим|лёд|лед|برف|زمستان/iu,
};

export function readHints(prompt: string): Hints {
  return {
    night: HINT_PATTERNS.night.test(prompt),
    sunset: HINT_PATTERNS.sunset.test(prompt),
    sea: HINT_PATTERNS.sea.test(prompt),
    forest: HINT_PATTERNS.forest.test(prompt),
    city: HINT_PATTERNS.city.test(prompt),
    snow: HINT_PATTERNS.snow.test(prompt),
  };
}

export function compose(rng: Rng, hints: Hints, salt: number): Composition {
  const roll = rng();
  const time: TimeOfDay = hints.night ? 'night' : hints.sunset ? 'sunset' : roll < 0.5 ? 'day' : roll < 0.8 ? 'sunset' : 'night';
  const seaRoll = rng();
  const sea = hints.sea || (!hints.forest && !hints.city && seaRoll < 0.35);
  const horizon = sea ? range(rng, 0.56, 0.68) : range(rng, 0.5, 0.62);
  const sunU = range(rng, 0.18, 0.82);
  const sunV = time === 'sunset' ? horizon - range(rng, 0.07, 0.17) : range(rng, 0.13, 0.28);
  const sunR = time === 'night' ? range(rng, 0.035, 0.05) : range(rng, 0.05, 0.08);
  const snowRoll = rng();
  const ridges: RidgeSpec[] = [];
  ridges.push(ridge(rng, { kind: 'mountain', base: horizon + (sea ? 0 : 0.03), amp: range(rng, 0.18, 0.32), freq: range(rng, 1.6, 3), depth: 0, tone: 0, snow: hints.snow || snowRoll < 0.45 }));
  const treeRoll = rng();
  if (sea) {
    if (rng() < 0.6) ridges.push(ridge(rng, { kind: 'hills', base: horizon, amp: range(rng, 0.03, 0.07), freq: range(rng, 2, 4), depth: 0.35, tone: 1, snow: false }));
  } else {
    const mid = hints.city
      ? cityRidge(rng, horizon + 0.08, 0.45)
      : ridge(rng, { kind: 'mountain', base: horizon + 0.08, amp: range(rng, 0.09, 0.17), freq: range(rng, 2.5, 4.5), depth: 0.45, tone: 1, snow: false });
    ridges.push(mid);
    const near = ridge(rng, { kind: 'hills', base: horizon + range(rng, 0.22, 0.3), amp: range(rng, 0.05, 0.11), freq: range(rng, 1, 2.2), depth: 1, tone: 2, snow: hints.snow });
    if (hints.forest || treeRoll < 0.35) near.trees = pines(rng, hints.forest ? 0.85 : 0.5);
    ridges.push(near);
  }
  const clouds: CloudSpec[] = [];
  const cloudCount = time === 'night' ? Math.floor(range(rng, 0, 2.99)) : Math.floor(range(rng, 2, 5.99));
  for (let i = 0; i < cloudCount; i++) clouds.push(cloud(rng, horizon));
  return { time, sea, floor: false, horizon, sunU, sunV, sunR, ridges, clouds, hueShift: range(rng, -22, 22), ground: Math.floor(rng() * 4), salt };
}

function ridge(rng: Rng, spec: Pick<RidgeSpec, 'kind' | 'base' | 'amp' | 'freq' | 'depth' | 'tone' | 'snow'>): RidgeSpec {
  return { ...spec, seed: (rng() * 0x7fffffff) | 0, trees: new Float32Array(0), buildings: new Float32Array(0) };
}

function cityRidge(rng: Rng, base: number, depth: number): RidgeSpec {
  const parts: number[] = [];
  let u = -0.05;
  while (u < 1.05) {
    const width = range(rng, 0.025, 0.075);
    const centre = 1 - Math.abs(u - 0.5) * 1.2;
    parts.push(u, u + width, range(rng, 0.06, 0.16) + centre * range(rng, 0, 0.2));
    u += width + (rng() < 0.35 ? range(rng, 0.003, 0.012) : 0);
  }
  return { kind: 'city', base, amp: 0, freq: 0, seed: (rng() * 0x7fffffff) | 0, depth, tone: 1, snow: false, trees: new Float32Array(0), buildings: Float32Array.from(parts) };
}

function pines(rng: Rng, density: number): Float32Array {
  const parts: number[] = [];
  let u = -0.03;
  const clusterSeed = (rng() * 0x7fffffff) | 0;
  while (u < 1.03) {
    u += range(rng, 0.008, 0.026);
    // Trees come in groves: a slow noise decides where the crest is wooded.
    if (noise1(u * 6, clusterSeed) > density) continue;
    const height = range(rng, 0.03, 0.075);
    parts.push(u, height, height * range(rng, 0.2, 0.28));
  }
  return Float32Array.from(parts);
}

function cloud(rng: Rng, horizon: number): CloudSpec {
  const count = Math.floor(range(rng, 3, 6.99));
  const width = range(rng, 0.1, 0.24);
  const size = range(rng, 0.035, 0.06);
  const puffs = new Float32Array(count * 3);
  for (let i = 0; i < count; i++) {
    const t = (i + 0.5) / count;
    const r = size * (0.55 + 0.45 * Math.sin(Math.PI * t)) * range(rng, 0.8, 1.15);
    puffs[i * 3] = (t - 0.5) * width;
    puffs[i * 3 + 1] = -r * range(rng, 0.35, 0.75);
    puffs[i * 3 + 2] = r;
  }
  return { u: range(rng, 0.05, 0.95), v: range(rng, 0.12, Math.max(0.14, horizon - 0.2)), puffs, phase: rng() * Math.PI * 2 };
}

/** Styles adjust the composition where their genre insists (cyberpunk is a neon night over a grid). */
export function composeForTechnique(base: Composition, technique: Technique, styleRng: Rng): Composition {
  if (technique !== 'cyberpunk') return base;
  const far = base.ridges[0]!;
  const city = base.ridges.find((r) => r.kind === 'city') ?? cityRidge(styleRng, base.horizon, 0.5);
  return {
    ...base,
    time: 'night',
    sea: false,
    floor: true,
    sunV: Math.min(base.sunV, base.horizon - 0.12),
    sunR: Math.max(base.sunR, 0.11),
    ridges: [{ ...far, base: base.horizon, snow: false }, { ...city, base: base.horizon, depth: 0.5 }],
  };
}
