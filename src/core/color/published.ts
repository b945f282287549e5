// The colour maps as published, stored as data in published-maps.json (written by
// scripts/generate-colour-maps.py from Debian's matplotlib; never edited by hand).
//   viridis, cividis: 256 sRGB entries each, equally spaced over the map's domain (matplotlib's
//     listed maps; viridis by van der Walt & Smith 2015, cividis by Nuñez, Anderton & Renslow 2018).
//   RdBu: the 11 ColorBrewer classes (Cynthia Brewer, colorbrewer2.org, Apache-2.0: see NOTICE).
import published from './published-maps.json';

/** matplotlib's viridis, 256 entries from t = 0 (dark purple) to t = 1 (yellow). */
export const VIRIDIS: readonly string[] = published.viridis;

/** matplotlib's cividis (colour-vision-deficiency optimised), 256 entries from dark blue to yellow. */
export const CIVIDIS: readonly string[] = published.cividis;

/**
 * ColorBrewer RdBu, 11 classes, ordered from -1 (dark blue) through the neutral centre to +1 (dark
 * red): the published list (red first) reversed, so that blue stays below zero as Gatescope draws it.
 */
export const RDBU_CLASSES: readonly string[] = [...published.rdbu].reverse();
