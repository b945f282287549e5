// The trace format's public surface: types, encoder, decoder, sidecar, errors, masks.
export * from './document';
export type { TraceDocumentV1, TraceDownsample } from './document-v1';
export * from './decoded';
export { decodeTrace } from './decode';
export { encodeTrace, writeSidecar, traceJsonBytes, DEFAULT_MAX_BYTES, SIDECAR_INLINE_BYTES, SidecarCancelled } from './encode';
export type { EncodeOptions, EncodedTrace, SidecarOptions, SidecarPlan, SidecarSink, Sha256, TraceInput, TraceLayerInput, TracePrecision } from './encode';
export { TraceFormatError, TraceSizeError } from './errors';
export { isMasked, validSteps } from './mask';
export { decodeTensor, encodeTensor } from './tensor';
