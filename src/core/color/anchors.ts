// Colour-map anchors stored as data (sRGB hex), equally spaced over each map's domain.

/** matplotlib's viridis sampled at t = 0, 0.1, ..., 1 (van der Walt & Smith, 2015). */
export const VIRIDIS_ANCHORS: readonly string[] = [
  '#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c',
  '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725',
];

/**
 * ColorBrewer RdBu, 11 classes (Brewer, colorbrewer2.org; marked colour-blind safe), ordered from
 * -1 (dark blue) through the neutral centre to +1 (dark red).
 */
export const RDBU_ANCHORS: readonly string[] = [
  '#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7',
  '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f',
];
