// What one pipeline run is asked to do and what it answers. The Node host sends a PipelineJob to its
// worker (src/host/worker-protocol.ts: everything here travels by structured clone), the web host
// and the CLI call the pipeline with one directly.

import type { SequentialMap } from '../core/color/maps';
import type { TraceDocument } from '../core/trace/document';
import type { SpecEngine, SpecPrecision } from '../core/spec/spec';
import type { ModelInputInfo, UserTensor } from '../onnx/inputs';
import type { TraceTimings } from '../onnx/trace';

/** An input as the user chose it in the editor; the pipeline turns it into model tensors (build-inputs.ts). */
export type JobInput =
  | { kind: 'text'; text: string }
  | { kind: 'random'; seed: number; steps: number }
  /** A .npy or .json file's bytes (the host reads the file; the worker has no VS Code file system). */
  | { kind: 'file'; name: string; bytes: Uint8Array };

/** Tensors by input name, read once the model's inputs are known (the CLI's --input NAME=FILE). */
export interface TensorsInput {
  kind: 'tensors';
  read: (inputs: readonly ModelInputInfo[]) => Record<string, UserTensor>;
}

export type PipelineInput = JobInput | TensorsInput;

export type Backend = 'wasm' | 'webgpu';

export interface RunSettings {
  engine: SpecEngine;
  precision: SpecPrecision;
  /** Budget of the trace document, bytes of JSON (gatescope.maxOutputMB; Infinity: none). */
  maxBytes: number;
  numThreads: number;
  /** gatescope.threads: compute threads for the GRU engine and gate recovery (0: available cores - 1, at least 1). The web host runs on one. */
  gruThreads?: number;
  /** gatescope.pngPreview: add an image/png of the heatmaps beside the trace. */
  pngPreview: boolean;
  /** gatescope.colorMap: the sequential map of the PNG preview (the renderer gets it by message); default viridis. */
  colorMap?: SequentialMap;
  /** gatescope.backend: onnxruntime-web's execution provider, where the host offers it (backend.ts). */
  backend?: Backend;
}

/**
 * The model file's identity for the warm caches (model-cache.ts): the file (a path or URI) and a
 * version that changes with its content (size and mtime). Absent: a hash of the bytes.
 */
export interface ModelIdentity {
  file: string;
  version: string;
}

export interface PipelineJob<I extends PipelineInput = PipelineInput> {
  type: 'trace';
  modelName: string;
  modelBytes: Uint8Array;
  modelIdentity?: ModelIdentity;
  input: I;
  vocab?: string[];
  tokens?: string[];
  layers?: number[];
  settings: RunSettings;
  /** Folder holding onnxruntime-web's runtime files (dist/ort/). */
  wasmDir: string;
  /** onnxruntime-web's .wasm bytes (the web host reads them from the extension's URI; see docs/onnx.md). */
  wasmBinary?: Uint8Array;
  /**
   * Where a sidecar may go when the run exceeds the output budget: a folder (a local path in the
   * Node host and the CLI, a folder URI in the web host) and the file name stem. Absent: no sidecar.
   */
  sidecar?: { dir: string; stem: string };
  /** A spec's `compare:`: run again with another model and/or input, write the comparison trace. */
  compare?: CompareJob<I>;
  /** Keep a trace whose h disagrees with onnxruntime's Y (with a warning) instead of failing (CLI --allow-mismatch). */
  allowMismatch?: boolean;
  /** Refuse a run one of whose gates' data would exceed this many bytes of JSON (one string; the CLI streams the rest). */
  maxGateBytes?: number;
}

export interface CompareJob<I extends PipelineInput = PipelineInput> {
  /** Another model (absent: the same). */
  modelName?: string;
  modelBytes?: Uint8Array;
  modelIdentity?: ModelIdentity;
  /** Another input (absent: the same). */
  input?: I;
  tolerance: number;
}

export interface InspectJob {
  type: 'inspect';
  modelBytes: Uint8Array;
  modelIdentity?: ModelIdentity;
}

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

/** What onnxruntime-web was really configured with where the job ran, and whether its model was warm. */
export interface RuntimeReport {
  numThreads: number;
  /** The execution provider the run used (gatescope.backend, or wasm where WebGPU is unavailable). */
  backend?: Backend;
  /** 'hit': the decoded model and its sessions came from an earlier run of the same file (model-cache.ts). */
  modelCache?: 'hit' | 'miss';
}

export interface PipelineResult {
  document: TraceDocument;
  /** PNG of the heatmaps (settings.pngPreview). */
  preview?: Uint8Array;
  runtime: RuntimeReport;
  /** Stages in ms; encodeMs covers the encoder and the sidecar. */
  timings: TraceTimings;
}

export type { TraceTimings };
