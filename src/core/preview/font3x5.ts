// A 3x5 pixel bitmap font for the PNG preview's labels (upper-case letters, digits, a little
// punctuation; lower-case input is drawn upper-case). Each glyph is 15 bits, rows top to bottom,
// 3 bits per row, most significant bit = left column.

const GLYPHS: Record<string, string> = {
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110',
  E: '111100110100111', F: '111100110100100', G: '011100101101011', H: '101101111101101',
  I: '111010010010111', J: '001001001101010', K: '101101110101101', L: '100100100100111',
  M: '101111111101101', N: '110101101101101', O: '010101101101010', P: '110101110100100',
  Q: '010101101110011', R: '110101110101101', S: '011100010001110', T: '111010010010010',
  U: '101101101101111', V: '101101101101010', W: '101101111111101', X: '101101010101101',
  Y: '101101010010010', Z: '111001010100111',
  0: '111101101101111', 1: '010110010010111', 2: '110001010100111', 3: '110001010001110',
  4: '101101111001001', 5: '111100110001110', 6: '011100111101111', 7: '111001010010010',
  8: '111101111101111', 9: '111101111001110',
  ' ': '000000000000000', '/': '001001010100100', '=': '000111000111000', '-': '000000111000000',
  '.': '000000000000010', ':': '000010000010000', ',': '000000000010100', '[': '110100100100110',
  ']': '011001001001011', '(': '010100100100010', ')': '010001001001010', '?': '110001010000010',
};

export const GLYPH_WIDTH = 3;
export const GLYPH_HEIGHT = 5;

/** Width in pixels of `text` drawn at `scale` (one blank column between glyphs). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Draws `text` into an RGBA image at (x, y), clipped to the image; unknown characters draw as '?'. */
export function drawText(rgba: Uint8Array, width: number, height: number, x: number, y: number, text: string, scale: number, color: readonly number[]): void {
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const bits = GLYPHS[ch] ?? GLYPHS['?']!;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (bits[row * GLYPH_WIDTH + col] !== '1') continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = y + row * scale + dy;
          if (py < 0 || py >= height) continue;
          for (let dx = 0; dx < scale; dx++) {
            const px = cx + col * scale + dx;
            if (px < 0 || px >= width) continue;
            const o = (py * width + px) * 4;
            rgba[o] = color[0]!;
            rgba[o + 1] = color[1]!;
            rgba[o + 2] = color[2]!;
            rgba[o + 3] = 255;
          }
        }
      }
    }
    cx += (GLYPH_WIDTH + 1) * scale;
  }
}
