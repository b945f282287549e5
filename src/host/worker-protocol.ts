// Messages between the extension host and dist/host/worker.js (one worker per job; the host
// terminates it to cancel). Everything travels by structured clone (typed arrays included).

import type { TraceDocument } from '../core/trace/document';
import type { Spec, SpecEngine, SpecPrecision } from '../core/spec/spec';
import type { TraceTimings } from '../onnx';

/** An input as the user chose it; the worker turns it into model tensors. */
export type JobInput =
  | { kind: 'text'; text: string }
  | { kind: 'random'; seed: number; steps: number }
  /** A .npy or .json file's bytes (the host reads the file; the worker has no VS Code file system). */
  | { kind: 'file'; name: string; bytes: Uint8Array };

export interface RunSettings {
  engine: SpecEngine;
  precision: SpecPrecision;
  /** gatescope.maxOutputMB in bytes. */
  maxBytes: number;
  numThreads: number;
  /** gatescope.threads: compute threads for the GRU engine and gate recovery (0: available cores - 1, at least 1). The web host runs on one. */
  gruThreads?: number;
  /** gatescope.pngPreview: add an image/png of the heatmaps beside the trace. */
  pngPreview: boolean;
  /** gatescope.backend: onnxruntime-web's execution provider, where the host offers it (backend.ts). */
  backend?: Backend;
}

export type Backend = 'wasm' | 'webgpu';

export interface TraceJob {
  type: 'trace';
  modelName: string;
  modelBytes: Uint8Array;
  input: JobInput;
  vocab?: string[];
  tokens?: string[];
  layers?: number[];
  settings: RunSettings;
  /** Folder holding onnxruntime-web's runtime files (dist/ort/). */
  wasmDir: string;
  /** onnxruntime-web's .wasm bytes (the web host reads them from the extension's URI; see docs/onnx.md). */
  wasmBinary?: Uint8Array;
  /**
   * Where a sidecar may go when the run exceeds the output budget: the notebook's folder (a local
   * path) and the file name stem. Absent (untitled or non-local notebooks): no sidecar.
   */
  sidecar?: { dir: string; stem: string };
  /** A spec's `compare:`: run again with another model and/or input, write the comparison trace. */
  compare?: CompareJob;
}

export interface CompareJob {
  /** Another model (absent: the same). */
  modelName?: string;
  modelBytes?: Uint8Array;
  /** Another input (absent: the same). */
  input?: JobInput;
  tolerance: number;
}

export interface InspectJob {
  type: 'inspect';
  modelBytes: Uint8Array;
}

export type WorkerJob = TraceJob | InspectJob;

export interface ModelInputSummary {
  name: string;
  dims: (number | string)[];
  dtype: string;
}

export interface ModelSummary {
  inputs: ModelInputSummary[];
  gruNodes: number;
  vocab?: string[];
  warnings: string[];
}

/** What onnxruntime-web was really configured with in the worker that ran the job. */
export interface RuntimeReport {
  numThreads: number;
  /** The execution provider the run used (gatescope.backend, or wasm where WebGPU is unavailable). */
  backend?: Backend;
}

export type WorkerReply =
  | { type: 'progress'; message: string; fraction?: number }
  | { type: 'inspected'; summary: ModelSummary }
  /** timings: the worker's stages in ms (src/onnx TraceTimings, encodeMs = encodeTrace). */
  | { type: 'traced'; document: TraceDocument; preview?: Uint8Array; runtime: RuntimeReport; timings: TraceTimings }
  | { type: 'failed'; name: string; message: string };

/**
 * Where the time of one run went, in ms (written to the trace output's metadata, see cell-output.ts):
 * the worker's stages, the whole worker job as the host saw it (thread start, loading the bundle and
 * onnxruntime's .wasm, the stages, copying the reply back), and serialising the output's JSON.
 */
export interface RunTimings extends TraceTimings {
  workerMs: number;
  serializeMs: number;
  /** Epoch ms: the cell's execution started; the output was handed to VS Code. */
  startedAt: number;
  writtenAt: number;
}

export type { TraceTimings };

/** Re-export for callers that build jobs from spec cells. */
export type { Spec };
