/**
 * The `procedural` provider: the embedded default that needs no network, key or GPU. It is an offline
 * renderer, not AI: a landscape is composed from a hash of the prompt (sky, sun or moon, clouds, ridges,
 * sea, trees, skyline; a few prompt words such as "night" or "sea" steer it) and painted with a
 * per-style technique. Same prompt and style give the same bytes. Images are PNG; videos are looping
 * GIF animations, which Telegram plays through sendAnimation.
 */
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { encodeGif, quantizeFrames } from '../../media/gif.ts';
import { encodePng } from '../../media/png.ts';
import { ProviderError } from '../provider.ts';
import type { MediaKind, Provider, ProviderRequest, ProviderResult } from '../provider.ts';

export interface ProceduralOptions {
  /** Side of the square PNG, in pixels (default 512). */
  imageSize?: number;
  /** Side of the square GIF, in pixels (default 256). */
  videoSize?: number;
  /** Frames in one loop of the GIF (default 24). */
  videoFrames?: number;
}

const NAME = 'procedural';
const MODEL = 'procedural-v1';
const VIDEO_DELAY_CS = 8;

export function createProceduralProvider(options: ProceduralOptions = {}): Provider {
  const imageSize = checkedSize('imageSize', options.imageSize ?? 512, 16, 2048);
  const videoSize = checkedSize('videoSize', options.videoSize ?? 256, 16, 1024);
  const videoFrames = checkedSize('videoFrames', options.videoFrames ?? 24, 1, 240);
  const kinds: ReadonlySet<MediaKind> = new Set<MediaKind>(['image', 'video']);

  return {
    name: NAME,
    kinds,
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      if (request.kind !== 'image' && request.kind !== 'video') {
        throw new ProviderError('invalid_input', `${NAME} renders images and videos offline; it has no ${request.kind} model`);
      }
      const signal = request.signal;
      signal?.throwIfAborted();
      const scene = prepareScene(request.prompt, request.style);
      // Rendering is synchronous; give the event loop (and a pending abort) a turn before each piece.
      await nextTurn();
      signal?.throwIfAborted();
      if (request.kind === 'image') {
        const rgba = renderFrame(scene, imageSize, imageSize, 0);
        signal?.throwIfAborted();
        const bytes = encodePng(imageSize, imageSize, rgba);
        return { provider: NAME, model: MODEL, media: { bytes, mimeType: 'image/png', width: imageSize, height: imageSize } };
      }
      const frames: Uint8Array[] = [];
      for (let i = 0; i < videoFrames; i++) {
        if (i > 0) await nextTurn();
        signal?.throwIfAborted();
        frames.push(renderFrame(scene, videoSize, videoSize, i / videoFrames));
      }
      const { palette, indexed } = quantizeFrames(frames, videoSize, { dither: scene.technique === 'pixel' ? 0 : 10 });
      signal?.throwIfAborted();
      const bytes = encodeGif(videoSize, videoSize, indexed, palette, VIDEO_DELAY_CS);
      return { provider: NAME, model: MODEL, media: { bytes, mimeType: 'image/gif', width: videoSize, height: videoSize } };
    },
  };
}

function checkedSize(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Randomness: everything derives from the prompt hash; no Math.random anywhere.

type Rng = () => number;

function sfc32(a: number, b: number, c: number, d: number): Rng {
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

function rngFrom(bytes: Uint8Array, salt: number): Rng {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rng = sfc32(view.getUint32(0) ^ salt, view.getUint32(4), view.getUint32(8), view.getUint32(12) ^ Math.imul(salt, 0x9e3779b1));
  for (let i = 0; i < 12; i++) rng(); // warm up: sfc32's first outputs are weakly mixed
  return rng;
}

/** Integer hash of a lattice point to [0, 1). */
function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function range(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Smooth 1D value noise in [0, 1]. */
function noise1(x: number, seed: number): number {
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
function fbmField(w: number, h: number, cellX: number, cellY: number, octaves: number, seed: number): Float32Array {
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
    // Flat loop (see rasterize): the row terms are refreshed when x wraps to 0.
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

// ---------------------------------------------------------------------------------------------
// Small colour and math helpers.

type Rgb = readonly [number, number, number];

function hex(value: number): Rgb {
  return [((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255];
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function smoothstep(e0: number, e1: number, v: number): number {
  const t = clamp01((v - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}

function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function scaleRgb(a: Rgb, k: number): Rgb {
  return [a[0] * k, a[1] * k, a[2] * k];
}

/** Hue rotation about the grey axis (degrees), plus a saturation factor and a lift toward white. */
function grade(c: Rgb, hueDegrees: number, saturation: number, lift: number): Rgb {
  const angle = (hueDegrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const k = (1 - cos) / 3;
  const q = Math.sqrt(1 / 3) * sin;
  const r = c[0] * (cos + k) + c[1] * (k - q) + c[2] * (k + q);
  const g = c[0] * (k + q) + c[1] * (cos + k) + c[2] * (k - q);
  const b = c[0] * (k - q) + c[1] * (k + q) + c[2] * (cos + k);
  const grey = 0.3 * r + 0.59 * g + 0.11 * b;
  const sr = grey + (r - grey) * saturation;
  const sg = grey + (g - grey) * saturation;
  const sb = grey + (b - grey) * saturation;
  return [clamp01(sr + (1 - sr) * lift), clamp01(sg + (1 - sg) * lift), clamp01(sb + (1 - sb) * lift)];
}

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
}

// ---------------------------------------------------------------------------------------------
// Composition: what is in the picture, in size-independent units (u across, v down, both 0..1).

type TimeOfDay = 'day' | 'sunset' | 'night';
type Technique = 'photo' | 'anime' | 'oil' | 'pixel' | 'watercolor' | 'cyberpunk' | 'fantasy' | 'sketch' | 'lowpoly' | 'lineart';

const TECHNIQUE_BY_STYLE: ReadonlyMap<string, Technique> = new Map<string, Technique>([
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

interface RidgeSpec {
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

interface CloudSpec {
  u: number;
  v: number;
  /** (du, dv, r) triplets in units of the image size. */
  puffs: Float32Array;
  phase: number;
}

interface Composition {
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

interface Hints {
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

function readHints(prompt: string): Hints {
  return {
    night: HINT_PATTERNS.night.test(prompt),
    sunset: HINT_PATTERNS.sunset.test(prompt),
    sea: HINT_PATTERNS.sea.test(prompt),
    forest: HINT_PATTERNS.forest.test(prompt),
    city: HINT_PATTERNS.city.test(prompt),
    snow: HINT_PATTERNS.snow.test(prompt),
  };
}

function compose(rng: Rng, hints: Hints, salt: number): Composition {
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
function composeForTechnique(base: Composition, technique: Technique, styleRng: Rng): Composition {
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

// ---------------------------------------------------------------------------------------------
// Palettes: per time of day, then graded or replaced per style.

interface Palette {
  skyTop: Rgb;
  skyHorizon: Rgb;
  sun: Rgb;
  sunBottom: Rgb;
  glow: Rgb;
  glowStrength: number;
  cloudLight: Rgb;
  cloudShadow: Rgb;
  ridges: readonly [Rgb, Rgb, Rgb];
  lightTint: Rgb;
  shadowTint: Rgb;
  snow: Rgb;
  water: Rgb;
  stars: number;
  haze: number;
}

const GROUNDS: Readonly<Record<TimeOfDay, readonly Rgb[]>> = {
  day: [hex(0x5b8a3a), hex(0x9a6b2e), hex(0x8c8a4e), hex(0x3f7a5c)],
  sunset: [hex(0x3f3040), hex(0x4e3028), hex(0x47402f), hex(0x2d3a44)],
  night: [hex(0x101a2c), hex(0x1a1626), hex(0x141c22), hex(0x0e1a24)],
};

function basePalette(comp: Composition): Palette {
  const ground = GROUNDS[comp.time][comp.ground] ?? hex(0x5b8a3a);
  if (comp.time === 'sunset') {
    return {
      skyTop: hex(0x2a2c6e), skyHorizon: hex(0xffa05c), sun: hex(0xfff2c8), sunBottom: hex(0xffd890), glow: hex(0xff9040), glowStrength: 0.75,
      cloudLight: hex(0xffb88e), cloudShadow: hex(0x7a4a78), ridges: [hex(0x7a5a8c), hex(0x4a3558), ground],
      lightTint: [1.3, 1.02, 0.8], shadowTint: [0.55, 0.5, 0.78], snow: hex(0xffd9c4), water: hex(0x3c3470), stars: 0, haze: 0.45,
    };
  }
  if (comp.time === 'night') {
    return {
      skyTop: hex(0x040817), skyHorizon: hex(0x1d3160), sun: hex(0xf2f0e4), sunBottom: hex(0xd8dcd0), glow: hex(0x9ab4e8), glowStrength: 0.35,
      cloudLight: hex(0x4a5a80), cloudShadow: hex(0x1a2240), ridges: [hex(0x26365a), hex(0x172340), ground],
      lightTint: [1.0, 1.08, 1.25], shadowTint: [0.5, 0.56, 0.75], snow: hex(0xa8b8dc), water: hex(0x0b1a36), stars: 1, haze: 0.35,
    };
  }
  return {
    skyTop: hex(0x2f6fd0), skyHorizon: hex(0xcfe6f7), sun: hex(0xfffbf0), sunBottom: hex(0xfff4d8), glow: hex(0xfff1c8), glowStrength: 0.5,
    cloudLight: hex(0xffffff), cloudShadow: hex(0xaebdd2), ridges: [hex(0x7d8fb0), hex(0x4d6e5e), ground],
    lightTint: [1.15, 1.1, 0.98], shadowTint: [0.6, 0.68, 0.86], snow: hex(0xf4f7fb), water: hex(0x1f5f8f), stars: 0, haze: 0.5,
  };
}

function gradePalette(p: Palette, hue: number, saturation: number, lift: number): Palette {
  const g = (c: Rgb): Rgb => grade(c, hue, saturation, lift);
  return {
    ...p,
    skyTop: g(p.skyTop), skyHorizon: g(p.skyHorizon), glow: g(p.glow), cloudLight: g(p.cloudLight), cloudShadow: g(p.cloudShadow),
    ridges: [g(p.ridges[0]), g(p.ridges[1]), g(p.ridges[2])], snow: g(p.snow), water: g(p.water),
  };
}

function paletteFor(technique: Technique, comp: Composition): Palette {
  const base = basePalette(comp);
  const hue = comp.hueShift;
  switch (technique) {
    case 'anime':
    case 'lowpoly':
      return gradePalette(base, hue, technique === 'anime' ? 1.45 : 1.2, 0.04);
    case 'oil':
      return gradePalette({ ...base, lightTint: [base.lightTint[0] * 1.05, base.lightTint[1], base.lightTint[2] * 0.92] }, hue + 6, 1.2, 0);
    case 'watercolor':
      return gradePalette(base, hue, 1.15, comp.time === 'night' ? 0.1 : 0.18);
    case 'cyberpunk':
      return {
        skyTop: hex(0x07021a), skyHorizon: hex(0x5a0f6a), sun: hex(0xffd319), sunBottom: hex(0xff2975), glow: hex(0xff2a8a), glowStrength: 0.8,
        cloudLight: hex(0x3a1660), cloudShadow: hex(0x12062a), ridges: [hex(0x1e0b3c), hex(0x0e0624), hex(0x07030f)],
        lightTint: [1.2, 1.0, 1.3], shadowTint: [0.55, 0.45, 0.8], snow: hex(0x6a2a8a), water: hex(0x0a0318), stars: 0.6, haze: 0.4,
      };
    case 'fantasy':
      return {
        skyTop: hex(0x1e0b3f), skyHorizon: hex(0xf7b05a), sun: hex(0xfff6da), sunBottom: hex(0xffe6a8), glow: hex(0xffbf50), glowStrength: 1.0,
        cloudLight: hex(0xffcf8a), cloudShadow: hex(0x5b2d6e), ridges: [hex(0x6a4a8a), hex(0x3e2660), hex(0x24143c)],
        lightTint: [1.45, 1.15, 0.75], shadowTint: [0.55, 0.45, 0.9], snow: hex(0xffe6b8), water: hex(0x2e2160), stars: comp.time === 'night' ? 0.8 : 0, haze: 0.55,
      };
    default:
      return gradePalette(base, hue, 1, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Scene setup (per request) and layout (per size and animation phase).

interface Look {
  /** 0 = flat colours .. 1 = full noise detail. */
  texture: number;
  /** Cloud edge softness as a fraction of the puff radius. */
  cloudSoft: number;
  /** Two-tone shading instead of continuous. */
  cel: boolean;
  /** Antialiased edges (off for pixel art). */
  aa: boolean;
}

const LOOKS: Readonly<Record<Technique, Look>> = {
  photo: { texture: 1, cloudSoft: 0.45, cel: false, aa: true },
  anime: { texture: 0, cloudSoft: 0, cel: true, aa: true },
  oil: { texture: 0.6, cloudSoft: 0.3, cel: false, aa: true },
  pixel: { texture: 0.3, cloudSoft: 0, cel: false, aa: false },
  watercolor: { texture: 0.25, cloudSoft: 0.5, cel: false, aa: true },
  cyberpunk: { texture: 0.3, cloudSoft: 0.6, cel: false, aa: true },
  fantasy: { texture: 0.8, cloudSoft: 0.5, cel: false, aa: true },
  sketch: { texture: 0.9, cloudSoft: 0, cel: false, aa: true },
  lowpoly: { texture: 0.15, cloudSoft: 0.1, cel: false, aa: true },
  lineart: { texture: 0, cloudSoft: 0, cel: true, aa: true },
};

interface Scene {
  technique: Technique;
  comp: Composition;
  palette: Palette;
  look: Look;
  /** Seed for style-specific randomness (brush strokes, facets) so it never shifts the composition. */
  styleSeed: number;
  fields: Map<string, Float32Array>;
}

function prepareScene(prompt: string, style: string): Scene {
  const digest = createHash('sha256').update(prompt, 'utf8').digest();
  const technique = TECHNIQUE_BY_STYLE.get(style) ?? 'photo';
  const styleDigest = createHash('sha256').update(`${technique}\u0000`).update(digest).digest();
  const styleRng = rngFrom(styleDigest, 0x51ed);
  const comp = composeForTechnique(compose(rngFrom(digest, 0), readHints(prompt), digest.readInt32BE(16)), technique, styleRng);
  return { technique, comp, palette: paletteFor(technique, comp), look: LOOKS[technique], styleSeed: styleDigest.readInt32BE(0), fields: new Map() };
}

/** Noise fields depend only on size and seed; a video reuses them for every frame. */
function field(scene: Scene, name: 'detail' | 'detail2' | 'ripple', w: number, h: number): Float32Array {
  const key = `${name}:${w}x${h}`;
  let cached = scene.fields.get(key);
  if (!cached) {
    const s = Math.min(w, h);
    if (name === 'ripple') cached = fbmField(w, h, s / 4, s / 40, 3, scene.comp.salt ^ 0x3c6e);
    else cached = fbmField(w, h, s / 7, s / 7, name === 'detail' ? 4 : 3, name === 'detail' ? scene.comp.salt : scene.comp.salt ^ 0x2b1d);
    scene.fields.set(key, cached);
  }
  return cached;
}

interface CloudShape {
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

interface Layout {
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

const EXACT_WINDOW = 3;

function layout(scene: Scene, w: number, h: number, t: number): Layout {
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

// ---------------------------------------------------------------------------------------------
// Rasteriser: composites the layers back to front with analytic antialiasing and records, per pixel,
// the region label, the distance to the nearest visible outline and whose outline it is, and a shade.

const LABEL_SKY = 0;
const LABEL_SUN = 1;
const LABEL_CLOUD = 2;
const LABEL_WATER = 3;
const LABEL_RIDGE = 4;

interface Raster {
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

function rasterize(scene: Scene, lay: Layout): Raster {
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
  const dist = new Float32Array(ridgeCount);
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
    {
      const x = p % w;
      const y = (p - x) / w;
      const py = y + 0.5;
      const skyR = lay.sky[y * 3]!;
      const skyG = lay.sky[y * 3 + 1]!;
      const skyB = lay.sky[y * 3 + 2]!;
      const px = x + 0.5;
      const nz = detail[p]!;

      // Front layers first: they decide what of the sky shows and which outlines are visible.
      let top = -1; // index of the nearest layer covering >= 0.5: ridge i, or ridgeCount for water
      let fullFrom = -2; // nearest fully covering layer: compositing starts there
      for (let i = 0; i < ridgeCount; i++) {
        const sd = ridgeSd(lay, i, x, px, py);
        const c = aa ? clamp01(0.5 - sd) : sd < 0 ? 1 : 0;
        cov[i] = c;
        dist[i] = sd < 0 ? -sd : sd;
        if (c >= 0.5) top = i;
        if (c >= 1) fullFrom = i;
      }
      let covWater = 0;
      if (hasWater) {
        const sd = lay.horizon - py;
        covWater = aa ? clamp01(0.5 - sd) : sd < 0 ? 1 : 0;
        if (covWater >= 0.5) top = ridgeCount;
        if (covWater >= 1) fullFrom = ridgeCount;
      }

      let e = 1e9;
      let o = LABEL_SKY;
      let covered = false;
      if (hasWater) {
        const d = Math.abs(lay.horizon - py);
        if (d < e) {
          e = d;
          o = LABEL_WATER;
        }
        covered = covWater >= 0.5;
      }
      for (let i = ridgeCount - 1; i >= 0; i--) {
        if (!covered && dist[i]! < e) {
          e = dist[i]!;
          o = LABEL_RIDGE + i;
        }
        if (cov[i]! >= 0.5) covered = true;
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

// ---------------------------------------------------------------------------------------------
// Techniques: turn the raster into the final RGBA picture in the style's manner.

function renderFrame(scene: Scene, w: number, h: number, t: number): Uint8Array {
  if (scene.technique === 'pixel') return pixelArt(scene, w, h, t);
  const lay = layout(scene, w, h, t);
  const raster = rasterize(scene, lay);
  switch (scene.technique) {
    case 'anime':
      return anime(scene, raster);
    case 'oil':
      return oilPainting(scene, raster);
    case 'watercolor':
      return watercolor(scene, raster, lay);
    case 'cyberpunk':
      return cyberpunk(scene, raster, lay);
    case 'fantasy':
      return fantasy(scene, raster, lay);
    case 'sketch':
      return sketch(scene, raster, lay);
    case 'lowpoly':
      return lowPoly(scene, raster, lay);
    case 'lineart':
      return lineArt(scene, raster, lay);
    default:
      return photo(scene, raster);
  }
}

/** Smooth gradients as rendered, plus film grain, a gentle S-curve and a vignette. */
function photo(scene: Scene, ras: Raster): Uint8Array {
  const { w, h, rgb } = ras;
  const out = new Uint8Array(w * h * 4);
  const seed = scene.styleSeed;
  for (let p = 0; p < w * h; p++) {
    {
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
  }
  return out;
}

/** Flat cel shading from the raster (two tones) with dark ink outlines on terrain, lighter on clouds. */
function anime(scene: Scene, ras: Raster): Uint8Array {
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

/**
 * Thousands of short brush strokes over the raster, each one colour sampled at its centre and laid
 * along the edges of the picture (perpendicular to the colour gradient), with bristle streaks and an
 * impasto relief lit from the top left.
 */
function oilPainting(scene: Scene, ras: Raster): Uint8Array {
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
    {
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
 * Renders at 1/B resolution without antialiasing, reduces the picture to a small adaptive palette with
 * a light ordered dither (median cut), then scales up with hard block edges.
 */
function pixelArt(scene: Scene, w: number, h: number, t: number): Uint8Array {
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
    {
      const x = p % w;
      const y = (p - x) / w;
      const c = indices[Math.floor(y / block) * gw + Math.floor(x / block)]! * 3;
      const q = p * 4;
      out[q] = palette[c]!;
      out[q + 1] = palette[c + 1]!;
      out[q + 2] = palette[c + 2]!;
      out[q + 3] = 255;
    }
  }
  return out;
}

/**
 * Transparent washes on warm paper: colours sampled through a wobbling displacement (bleeding edges),
 * pigment pooling dark along outlines, granulation, white paper left around a ragged border.
 */
function watercolor(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
  const { w, h, rgb, edge } = ras;
  const s = lay.s;
  const detail = field(scene, 'detail', w, h);
  const detail2 = field(scene, 'detail2', w, h);
  const out = new Uint8Array(w * h * 4);
  const wobble = s * 0.018;
  const seed = scene.styleSeed;
  const margin = s * 0.05;
  for (let p = 0; p < w * h; p++) {
    {
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
  }
  return out;
}

/** Neon night: glowing magenta/cyan outlines, a perspective grid floor, lit windows, rain streaks. */
function cyberpunk(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
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
    {
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
  }
  return out;
}

/** Dramatic backlight: golden god rays from the sun, gold rim light on crests, sparkles, deep vignette. */
function fantasy(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
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
    {
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
  }
  return out;
}

function contrast(v: number): number {
  const c = clamp01(v);
  return c + 0.3 * c * (1 - c) * (2 * c - 1);
}

/** Graphite on paper: up to three hatching layers by tone, wobbling by noise, plus sketchy outlines. */
function sketch(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
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
    {
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
  }
  return out;
}

/**
 * Flat-shaded triangles over a jittered grid whose vertices snap onto nearby crest lines, so the
 * silhouettes survive; each facet takes the averaged raster colour and a small per-facet light change.
 */
function lowPoly(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
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

/** Black ink on white: outlines, hatching on shadowed slopes near the crest, ripples, sun rays. */
function lineArt(scene: Scene, ras: Raster, lay: Layout): Uint8Array {
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
    {
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
  }
  return out;
}
