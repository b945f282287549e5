// The one cancellation error of a run, whatever stage sees the host's signal: the GRU, LSTM and RNN
// engines (between steps), the ONNX path (between stages and nodes), the sidecar writer, the job
// pipeline (src/pipeline/) and the hosts' job runners. Hosts tell a cancelled run from a failed one
// by `instanceof CancelledError` (or, across a worker's message boundary, by its name).

export interface CancelSignal {
  aborted: boolean;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** Throws CancelledError once `signal` is aborted. */
export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
