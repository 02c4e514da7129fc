import { encodePng } from '../media/png.ts';

/**
 * A bar chart as a PNG, drawn pixel by pixel: no fonts, so it carries no text at all and the
 * caption names each bar by its colour square (🟦 images: 3). Groups are separated by a gap.
 */

export interface BarColor {
  rgb: readonly [number, number, number];
  /** The emoji square of the same colour, used in the caption. */
  square: string;
}

export const BAR_COLORS: readonly BarColor[] = [
  { rgb: [30, 136, 229], square: '🟦' },
  { rgb: [67, 160, 71], square: '🟩' },
  { rgb: [251, 140, 0], square: '🟧' },
  { rgb: [142, 36, 170], square: '🟪' },
  { rgb: [229, 57, 53], square: '🟥' },
  { rgb: [253, 216, 53], square: '🟨' },
];

const BACKGROUND = [250, 250, 250] as const;
const AXIS = [158, 158, 158] as const;

export function renderBarChart(groups: readonly (readonly number[])[], size = { width: 480, height: 270 }): Uint8Array {
  const { width, height } = size;
  const rgba = new Uint8Array(width * height * 4);
  const fill = (x0: number, y0: number, x1: number, y1: number, [r, g, b]: readonly number[]) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) {
        const i = (y * width + x) * 4;
        rgba[i] = r!;
        rgba[i + 1] = g!;
        rgba[i + 2] = b!;
        rgba[i + 3] = 255;
      }
    }
  };
  fill(0, 0, width, height, BACKGROUND);
  const pad = 20;
  const baseline = height - pad;
  fill(pad, baseline, width - pad, baseline + 2, AXIS);

  const bars = groups.reduce((sum, group) => sum + group.length, 0);
  const slots = bars + Math.max(0, groups.length - 1);
  if (bars === 0) return encodePng(width, height, rgba);
  const slot = (width - 2 * pad) / slots;
  const max = Math.max(1, ...groups.flat());
  let position = 0;
  let colour = 0;
  for (const group of groups) {
    for (const value of group) {
      const x0 = Math.round(pad + position * slot + slot * 0.15);
      const x1 = Math.round(pad + (position + 1) * slot - slot * 0.15);
      // A zero still gets a sliver, so every captioned colour can be found in the picture.
      const barHeight = value > 0 ? Math.max(3, Math.round(((baseline - pad) * value) / max)) : 2;
      fill(x0, baseline - barHeight, x1, baseline, BAR_COLORS[colour % BAR_COLORS.length]!.rgb);
      position++;
      colour++;
    }
    position++;
  }
  return encodePng(width, height, rgba);
}
