// sRGB <-> OKLab (Björn Ottosson, 2020, "A perceptual color space for image processing").
// Colour maps are interpolated in OKLab so that steps between anchors look even.

/** Linear-light value of one sRGB channel in [0, 255] (IEC 61966-2-1). */
function toLinear(c8: number): number {
  const c = c8 / 255;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** sRGB channel in [0, 255] (unrounded, unclamped) from a linear-light value. */
function fromLinear(l: number): number {
  const c = l <= 0.0031308 ? 12.92 * l : 1.055 * Math.pow(l, 1 / 2.4) - 0.055;
  return c * 255;
}

/** [L, a, b] of an sRGB colour given as [r, g, b] in [0, 255]. */
export function srgbToOklab(rgb: readonly [number, number, number]): [number, number, number] {
  const r = toLinear(rgb[0]);
  const g = toLinear(rgb[1]);
  const b = toLinear(rgb[2]);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** sRGB [r, g, b] in [0, 255], rounded and clamped, of an OKLab colour. */
export function oklabToSrgb(lab: readonly [number, number, number]): [number, number, number] {
  const l = (lab[0] + 0.3963377774 * lab[1] + 0.2158037573 * lab[2]) ** 3;
  const m = (lab[0] - 0.1055613458 * lab[1] - 0.0638541728 * lab[2]) ** 3;
  const s = (lab[0] - 0.0894841775 * lab[1] - 1.291485548 * lab[2]) ** 3;
  const r = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  const g = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  const b = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
  const q = (x: number) => Math.min(255, Math.max(0, Math.round(fromLinear(x))));
  return [q(r), q(g), q(b)];
}

/** [r, g, b] in [0, 255] of "#rrggbb". */
export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
