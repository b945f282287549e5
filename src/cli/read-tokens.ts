// --tokens-file: one step label per line, UTF-8. Invalid UTF-8 is refused (a decoder would put
// U+FFFD in place of the bytes without a word), and so is an empty file.

import { CliError } from './errors';

export function parseTokensFile(bytes: Uint8Array, file: string): string[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The line of the first bad byte: the longest prefix that decodes tells where it is.
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    const line = 1 + bytes.subarray(0, lo).filter((b) => b === 0x0a).length;
    throw new CliError(`tokens file '${file}' is not valid UTF-8 (line ${line}); save it as UTF-8, one label per line`, 1);
  }
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '') throw new CliError(`tokens file '${file}' is empty; write one label per line, one line per step`, 1);
  return lines;
}
