// Public surface of the ONNX path, for the job pipeline (src/pipeline/), tests and tools.
export { traceOnnxModel, runOnnxTrace, prepareOnnx, type PreparedOnnx, type TraceOnnxOptions, type TraceTimings } from './trace';
export { inspectOnnxModel, VOCAB_KEY, type OnnxModelInfo, type GruNodeSummary } from './inspect';
export type { ModelInputInfo, UserTensor, UserDtype } from './inputs';
export { OnnxTraceError } from './errors';
export { releaseSessions, releaseModelSessions, type ExecutionProvider } from './session';
