// Small colour and math helpers shared by every stage of the renderer.

export type Rgb = readonly [number, number, number];

export function hex(value: number): Rgb {
  return [((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255];
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export function smoothstep(e0: number, e1: number, v: number): number {
  const t = clamp01((v - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}

export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Hue rotation about the grey axis (degrees), plus a saturation factor and a lift toward white. */
export function grade(c: Rgb, hueDegrees: number, saturation: number, lift: number): Rgb {
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

export function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
}
