// Text -> token ids with a model's vocabulary (token id i is vocab[i]), longest match first, so a
// vocabulary may mix single characters and longer pieces. Unknown text is an error, never dropped.

export class TokenizeError extends Error {
  override name = 'TokenizeError';
}

export interface Tokenized {
  ids: number[];
  /** The vocabulary entry of each id, the step labels. */
  labels: string[];
}

export function tokenize(text: string, vocab: readonly string[]): Tokenized {
  const byFirst = new Map<string, { piece: string; id: number }[]>();
  vocab.forEach((piece, id) => {
    if (piece.length === 0) return;
    const list = byFirst.get(piece[0]!) ?? [];
    list.push({ piece, id });
    byFirst.set(piece[0]!, list);
  });
  for (const list of byFirst.values()) list.sort((a, b) => b.piece.length - a.piece.length || a.id - b.id);
  const ids: number[] = [];
  const labels: string[] = [];
  let i = 0;
  while (i < text.length) {
    const match = byFirst.get(text[i]!)?.find((c) => text.startsWith(c.piece, i));
    if (!match) {
      const shown = vocab.length <= 40 ? `: ${JSON.stringify(vocab)}` : ` of ${vocab.length} entries`;
      throw new TokenizeError(`character ${JSON.stringify(text[i])} at position ${i} is not in the model's vocabulary${shown}`);
    }
    ids.push(match.id);
    labels.push(match.piece);
    i += match.piece.length;
  }
  return { ids, labels };
}

/**
 * Labels for token ids as the model reads them. ONNX Gather (the embedding lookup) accepts
 * indices in [-V, V - 1] and reads a negative one as row V + id, so -1 is the last entry. Ids
 * outside that range (onnxruntime rejects them) are shown as "#id". V is the vocabulary's length.
 */
export function labelsFor(ids: ArrayLike<number | bigint>, vocab: readonly string[]): string[] {
  const out: string[] = [];
  const V = vocab.length;
  for (let i = 0; i < ids.length; i++) {
    const id = Number(ids[i]);
    const row = id < 0 ? V + id : id;
    out.push(row >= 0 && row < V ? vocab[row]! : `#${id}`);
  }
  return out;
}
