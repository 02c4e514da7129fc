// Scene setup per request: prompt → composition, palette and look for the style, plus cached noise fields.
import { createHash } from 'node:crypto';
import { compose, composeForTechnique, readHints, TECHNIQUE_BY_STYLE } from './composition.ts';
import type { Composition, Technique } from './composition.ts';
import { paletteFor } from './palettes.ts';
import type { Palette } from './palettes.ts';
import { fbmField, rngFrom } from './random.ts';

export interface Look {
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

export interface Scene {
  technique: Technique;
  comp: Composition;
  palette: Palette;
  look: Look;
  /** Seed for style-specific randomness (brush strokes, facets) so it never shifts the composition. */
  styleSeed: number;
  fields: Map<string, Float32Array>;
}

export function prepareScene(prompt: string, style: string): Scene {
  const digest = createHash('sha256').update(prompt, 'utf8').digest();
  const technique = TECHNIQUE_BY_STYLE.get(style) ?? 'photo';
  const styleDigest = createHash('sha256').update(`${technique}\u0000`).update(digest).digest();
  const styleRng = rngFrom(styleDigest, 0x51ed);
  const comp = composeForTechnique(compose(rngFrom(digest, 0), readHints(prompt), digest.readInt32BE(16)), technique, styleRng);
  return { technique, comp, palette: paletteFor(technique, comp), look: LOOKS[technique], styleSeed: styleDigest.readInt32BE(0), fields: new Map() };
}

/** Noise fields depend only on size and seed; a video reuses them for every frame. */
export function field(scene: Scene, name: 'detail' | 'detail2' | 'ripple', w: number, h: number): Float32Array {
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
