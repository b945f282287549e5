// Text from files (tensor names, attribute names, header bytes) may hold NUL, escape sequences or
// line separators; a message shows each such character as an escape (\x00, \x1b, \u2028) so a
// one-line error stays one line and cannot drive the terminal it is printed to.

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** Line breaks (with the spaces around them) collapsed to one space, then made printable. */
export function oneLinePrintable(text: string): string {
  return printable(text.replace(/\s*[\r\n]+\s*/g, ' '));
}
