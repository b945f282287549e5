// The trace format's public surface: types, encoder, decoder, errors, masks.
export * from './document';
export { decodeTrace } from './decode';
export { encodeTrace, traceJsonBytes, DEFAULT_MAX_BYTES, DEFAULT_MAX_STRIDE } from './encode';
export type { EncodeOptions, TraceInput, TraceLayerInput, TracePrecision } from './encode';
export { TraceFormatError, TraceSizeError } from './errors';
export { isMasked, validSteps } from './mask';
export { decodeTensor, encodeTensor } from './tensor';
