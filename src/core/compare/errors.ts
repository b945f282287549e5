// Why two runs cannot be compared: one message that says what differs and what to do.

export class CompareError extends Error {
  override name = 'CompareError';
}
