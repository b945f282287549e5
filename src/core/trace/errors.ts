// Errors of the trace format. Messages are shown to users as they are: they say where the fault is
// (a path into the document) and what to do.

/** A document that is not a valid Gatescope trace. `path` locates the fault, e.g. "layers[1].gates.z.data". */
export class TraceFormatError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'TraceFormatError';
  }
}

/** A run whose trace does not fit the output budget even at the coarsest allowed encoding. */
export class TraceSizeError extends Error {
  constructor(
    message: string,
    /** Smallest size the encoder could reach (bytes of JSON text). */
    readonly smallestBytes: number,
    readonly maxBytes: number,
    /** Most steps that fit the budget at uint8 without downsampling (0 when not even one step fits). */
    readonly maxStepsThatFit: number,
  ) {
    super(message);
    this.name = 'TraceSizeError';
  }
}
