// Warnings about LSTM and RNN nodes that a trace carries (exporter pitfalls). GRU nodes keep
// theirs in warnings.ts.

import type { RecurrentNodeInfo } from './recurrent-graph';

/** Shown by `gatescope inspect`-like callers; a trace refuses such a node before running it. */
export function recurrentWarnings(nodes: readonly RecurrentNodeInfo[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (n.cell === 'gru') continue;
    const op = n.cell.toUpperCase();
    if (n.attrs.layout !== 0) {
      out.push(`${op} node '${n.name}' has layout = ${n.attrs.layout} (batch first); onnxruntime's CPU ${op} rejects it ("Batchwise recurrent operations (layout == 1) are not supported"). Re-export with layout 0.`);
    }
  }
  return out;
}
