// Techniques: turn the raster into the final RGBA picture in the style's manner (dispatch per style).
import { layout } from './layout.ts';
import { rasterize } from './raster.ts';
import type { Scene } from './scene.ts';
import { anime, photo } from './techniques/shaded.ts';
import { lowPoly, pixelArt } from './techniques/digital.ts';
import { cyberpunk, fantasy } from './techniques/lighting.ts';
import { oilPainting, watercolor } from './techniques/painterly.ts';
import { lineArt, sketch } from './techniques/drawing.ts';

export function renderFrame(scene: Scene, w: number, h: number, t: number): Uint8Array {
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
