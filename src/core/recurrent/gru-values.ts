// The GRU engine's per-layer result (named fields r, z, n, h) as the shared LayerGateValues entry,
// so every cell kind reaches the trace and the statistics in one form. The arrays are shared, not copied.

import type { LayerGateValues } from '../cells/gate-sets';
import type { LayerGates } from '../gru/run';

export function gruLayerValues(g: LayerGates, name?: string): LayerGateValues {
  const out: LayerGateValues = {
    layer: g.layer,
    direction: g.direction,
    cell: 'gru',
    hiddenSize: g.hiddenSize,
    gates: { r: g.r, z: g.z, n: g.n, h: g.h },
  };
  if (name !== undefined) out.name = name;
  return out;
}
