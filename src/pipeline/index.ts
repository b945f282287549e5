// Public surface of the job pipeline (run-pipeline.ts), for the hosts and the CLI.
export { runPipeline, runModel, recordRun, inspectModel, type PipelineIO, type RecordedRun } from './run-pipeline';
export { ModelCache, MAX_MODELS } from './model-cache';
export { CancelledError } from '../core/cancel';
export type * from './job';
