// GLSL ES 3.00 sources of the WebGL2 heatmap drawer (heatmap-gl.ts). The heatmap program computes,
// per pixel, what rasterizeGate (core/view/raster.ts) computes per pixel on the CPU: the mean of the
// level's buckets whose first step lies in the pixel's column and of the display units in its row,
// NaN and ±Inf propagated as IEEE addition does, coloured through the 256-entry table.
// Textures:
//   u_level: one pyramid level with its units in display order, in tiles of u_tileRows buckets:
//            bucket j, display row d at texel (d, j % R, layer j / R), R = u_tileRows (so every side
//            stays under MAX_TEXTURE_SIZE); R32F / R16F, or R8UI codes with CODES. Display order is
//            applied on upload: one texel fetch per cell (a software GPU pays for every fetch).
//   u_lut:   256 x 1 RGBA8 colour table

/** A triangle covering the viewport (no vertex buffer: positions from gl_VertexID). */
export const FULLSCREEN_VS = `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

/**
 * Loop bounds of the small program: at most SMALL_BUCKETS buckets x SMALL_UNITS units under a pixel,
 * in loops of constant length that the compiler can unroll (a software GPU runs an unrolled loop of
 * texel fetches about twice as fast as a loop with data-dependent bounds).
 */
export const SMALL_BUCKETS = 3;
export const SMALL_UNITS = 4;

/**
 * The heatmap program; `codes` reads uint8 codes (value = offset + scale q; 253 NaN, 254 +Inf, 255 −Inf);
 * `small` bounds the loops by SMALL_BUCKETS x SMALL_UNITS (the caller checks that the job fits).
 */
export function heatmapFragmentShader(codes: boolean, small = false): string {
  return `#version 300 es
precision highp float;
precision highp int;
${codes ? 'uniform highp usampler2DArray u_level;\nuniform float u_codeScale;\nuniform float u_codeOffset;' : 'uniform highp sampler2DArray u_level;'}
uniform highp sampler2D u_lut;
uniform int u_tileRows;
uniform int u_units;
uniform int u_valid;
uniform int u_total;
uniform int u_bucket;
uniform int u_rows;
uniform float u_s0;
uniform float u_sp;
uniform float u_u0;
uniform float u_up;
uniform float u_lo;
uniform float u_scale;
uniform vec4 u_nan;
uniform vec4 u_pos;
uniform vec4 u_neg;
uniform vec4 u_masked;
out vec4 outColor;

// Adds cell i to the sum; non-finite values set flags instead (1 NaN, 2 +Inf, 4 -Inf), judged on
// the bits so that no compiler folds the test away.
void add(ivec3 at, inout float sum, inout int flags) {
${codes
  ? `  uint q = texelFetch(u_level, at, 0).r;
  if (q <= 252u) sum += u_codeOffset + u_codeScale * float(q);
  else flags |= q == 253u ? 1 : q == 254u ? 2 : 4;`
  : `  float v = texelFetch(u_level, at, 0).r;
  uint b = floatBitsToUint(v);
  if ((b & 0x7f800000u) != 0x7f800000u) sum += v;
  else flags |= (b & 0x007fffffu) != 0u ? 1 : (b >> 31) == 0u ? 2 : 4;`}
}

// raster.ts spanStart / spanEnd (Math.round(x) == floor(x + 0.5)).
int spanStart(float start, float per, int i) {
  return per >= 1.0 ? int(floor(start + float(i) * per + 0.5)) : int(floor(start + (float(i) + 0.5) * per));
}
int spanEnd(float start, float per, int i, int a) {
  return per >= 1.0 ? max(a + 1, int(floor(start + float(i + 1) * per + 0.5))) : a + 1;
}

void main() {
  int c = int(gl_FragCoord.x);
  int r = u_rows - 1 - int(gl_FragCoord.y);
  int i0 = spanStart(u_s0, u_sp, c);
  int i1 = spanEnd(u_s0, u_sp, c, i0);
  if (i0 >= u_valid || i0 >= u_total) { outColor = u_masked; return; }
  i1 = min(i1, u_valid);
  int B = u_bucket;
  int j0;
  int j1;
  if (float(B) > u_sp) {
    j0 = i0 / B;
    j1 = j0 + 1;
  } else {
    j0 = min((i0 + B - 1) / B, (u_valid + B - 1) / B - 1);
    j1 = max(j0 + 1, (i1 + B - 1) / B);
  }
  int a = spanStart(u_u0, u_up, r);
  int b = spanEnd(u_u0, u_up, r, a);
  a = min(a, u_units - 1);
  b = min(b, u_units);
  float sum = 0.0;
  int flags = 0;
${small
  ? `  for (int jj = 0; jj < ${SMALL_BUCKETS}; jj++) {
    int j = j0 + jj;
    if (j >= j1) break;
    int layer = j / u_tileRows;
    int row = j - layer * u_tileRows;
    for (int dd = 0; dd < ${SMALL_UNITS}; dd++) {
      if (a + dd >= b) break;
      add(ivec3(a + dd, row, layer), sum, flags);
    }
  }`
  : `  for (int j = j0; j < j1; j++) {
    int layer = j / u_tileRows;
    int row = j - layer * u_tileRows;
    for (int d = a; d < b; d++) add(ivec3(d, row, layer), sum, flags);
  }`}
  if ((flags & 1) != 0 || (flags & 6) == 6) outColor = u_nan;
  else if ((flags & 2) != 0) outColor = u_pos;
  else if ((flags & 4) != 0) outColor = u_neg;
  else {
    float v = sum / float((j1 - j0) * (b - a));
    int k = int(clamp(floor((v - u_lo) * u_scale + 0.5), 0.0, 255.0));
    outColor = texelFetch(u_lut, ivec2(k, 0), 0);
  }
}`;
}

/** Copies an RGBA8 image (row 0 at the top) to the viewport: the path for pixels rasterized on the CPU. */
export const BLIT_FS = `#version 300 es
precision highp float;
uniform highp sampler2D u_image;
uniform int u_rows;
out vec4 outColor;
void main() {
  outColor = texelFetch(u_image, ivec2(int(gl_FragCoord.x), u_rows - 1 - int(gl_FragCoord.y)), 0);
}`;
