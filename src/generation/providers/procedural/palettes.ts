// Palettes: colours per time of day, then graded or replaced per style.
import { grade, hex } from './color.ts';
import type { Rgb } from './color.ts';
import type { Composition, Technique, TimeOfDay } from './composition.ts';

export interface Palette {
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

export function paletteFor(technique: Technique, comp: Composition): Palette {
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
