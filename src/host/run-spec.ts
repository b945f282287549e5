// The one host-side pipeline behind the command and the controller: resolve the spec's paths
// against the notebook's folder, read the files through VS Code's file system, check trust, and run
// the model in a worker.

import * as vscode from 'vscode';
import { DEFAULT_COMPARE_TOLERANCE, type Spec, type SpecInput } from '../core/spec/spec';
import type { TraceDocument } from '../core/trace/document';
import { readSettings } from './settings';
import { ensureTrusted } from './trust';
import { workspaceTrust } from './trust-prompt';
import type { JobHooks, JobRunner } from './job-runner';
import type { JobInput, ModelIdentity, RuntimeReport, TraceJob, TraceTimings } from './worker-protocol';

export class SpecPathError extends Error {
  override name = 'SpecPathError';
}

export interface HostPaths {
  /** Where jobs run: a worker thread (Node host) or in-process (web host); see job-runner.ts. */
  runner: JobRunner;
  /**
   * Real-path containment of local files (containment.ts, Node fs). Absent (the web host): file:
   * URIs are compared by their normalised path, as other schemes are.
   */
  outsideFolders?: (file: string, folders: readonly string[]) => string | undefined;
  /** dist/ort/ (a path in the Node host, a URL in the web host) */
  wasmDir: string;
  /** Where a run beyond the output budget may write its sidecar; default sidecarTarget (local notebooks, Node fs). */
  sidecarTarget?: (notebook: vscode.Uri | undefined) => TraceJob['sidecar'];
}

const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p);

/** Folder relative paths in a spec are resolved against: the notebook's folder, else the first workspace folder. */
export function specBase(notebook: vscode.Uri | undefined): vscode.Uri | undefined {
  if (notebook && notebook.scheme !== 'untitled') return vscode.Uri.joinPath(notebook, '..');
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export function resolveSpecPath(path: string, base: vscode.Uri | undefined, field: string): vscode.Uri {
  if (isAbsolute(path)) return vscode.Uri.file(path);
  if (!base) throw new SpecPathError(`field \`${field}\`: "${path}" is relative, but this notebook is unsaved and no folder is open; save the notebook or use an absolute path`);
  return vscode.Uri.joinPath(base, path);
}

/** Path to write in a spec for `target`: relative to base when below it (or a sibling tree), else absolute. */
export function specPathFor(target: vscode.Uri, base: vscode.Uri | undefined): string {
  if (base && base.scheme === target.scheme && base.authority === target.authority) {
    const from = base.path.replace(/\/$/, '').split('/');
    const to = target.path.split('/');
    let i = 0;
    while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
    // Relative only when both share a folder below the root (i counts the leading '' too).
    if (i >= 2) return [...from.slice(i).map(() => '..'), ...to.slice(i)].join('/');
  }
  return target.scheme === 'file' ? target.fsPath : target.path;
}

/**
 * Refuses a spec path outside the workspace folders, symlinks resolved, unless the user allowed it
 * with gatescope.allowFilesOutsideWorkspace (off by default). The message names the real path.
 * Non-file URIs (remote workspaces) are compared by their normalised path: links cannot be resolved there.
 */
export function checkInsideWorkspace(uri: vscode.Uri, field: string, outsideFolders?: HostPaths['outsideFolders']): void {
  if (vscode.workspace.getConfiguration('gatescope').get<boolean>('allowFilesOutsideWorkspace', false) === true) return;
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === uri.scheme && f.uri.authority === uri.authority);
  let outside: string | undefined;
  if (uri.scheme === 'file' && outsideFolders) outside = outsideFolders(uri.fsPath, folders.map((f) => f.uri.fsPath));
  else if (!folders.some((f) => uri.path === f.uri.path || uri.path.startsWith(`${f.uri.path.replace(/\/$/, '')}/`))) outside = uri.toString();
  if (outside !== undefined) {
    throw new SpecPathError(`field \`${field}\`: the file is outside this workspace's folders (it resolves to ${outside}); move it into the workspace, or allow such files with the setting gatescope.allowFilesOutsideWorkspace`);
  }
}

/** Largest model or input file a spec reads: 2 GiB, protobuf's own limit for a model. */
const MAX_SPEC_FILE_BYTES = 2 ** 31 - 1;

async function readFile(uri: vscode.Uri, field: string): Promise<Uint8Array> {
  return (await readVersioned(uri, field)).bytes;
}

/**
 * A file's bytes and its identity for the pipeline's warm model cache (src/pipeline/model-cache.ts):
 * its URI, and size and mtime from the same stat that checked it, so an edited model never reuses a
 * decoded copy or session of the old one.
 */
export async function readVersioned(uri: vscode.Uri, field: string): Promise<{ bytes: Uint8Array; identity: ModelIdentity }> {
  const where = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  try {
    // Regular files only, size-capped, checked before reading: a FIFO would block the read until a
    // writer comes, and a device such as /dev/zero never ends (FileType.Unknown covers both).
    const st = await vscode.workspace.fs.stat(uri);
    if ((st.type & vscode.FileType.File) === 0) {
      throw new SpecPathError(`field \`${field}\`: ${where} is ${st.type & vscode.FileType.Directory ? 'a folder' : 'not a regular file (a pipe, socket or device)'}; name a .onnx, .npy or .json file`);
    }
    if (st.size > MAX_SPEC_FILE_BYTES) throw new SpecPathError(`field \`${field}\`: ${where} is ${st.size} bytes, above the ${MAX_SPEC_FILE_BYTES}-byte limit`);
    const bytes = await vscode.workspace.fs.readFile(uri);
    return { bytes, identity: { file: uri.toString(), version: `${bytes.length}-${st.mtime}` } };
  } catch (e) {
    if (e instanceof SpecPathError) throw e;
    const why = e instanceof vscode.FileSystemError && e.code === 'FileNotFound' ? 'not found' : `not readable (${(e as Error).message})`;
    throw new SpecPathError(`field \`${field}\`: ${where} ${why}`);
  }
}

export interface SpecRun {
  document: TraceDocument;
  /** PNG of the heatmaps (gatescope.pngPreview). */
  preview?: Uint8Array;
  runtime: RuntimeReport;
  model: vscode.Uri;
  /** The worker's stages and the whole worker job (ms). */
  timings: TraceTimings & { workerMs: number };
}

/**
 * Where a run too large for its output may write its sidecar: beside a saved local notebook (Node fs
 * in the worker). Elsewhere (untitled, remote file systems) the run must fit the output.
 */
export function sidecarTarget(notebook: vscode.Uri | undefined): TraceJob['sidecar'] {
  if (!notebook || notebook.scheme !== 'file') return undefined;
  // The notebook's whole file name, so its sidecars are told apart from a CLI trace's of the same stem
  // (sidecar-cleanup.ts deletes only these, and only once no saved output refers to them).
  return { dir: vscode.Uri.joinPath(notebook, '..').fsPath, stem: notebook.path.split('/').pop() || 'notebook' };
}

/**
 * Runs a spec. `notebook`: where the output goes (its folder takes a sidecar). `chosen`: files the user
 * picked in this session (the Inspect command's explorer menu and file picker); picking a file is
 * consent to read it, wherever it is. Spec cells from a notebook get none.
 */
export async function runSpec(
  spec: Spec,
  base: vscode.Uri | undefined,
  paths: HostPaths,
  hooks: JobHooks,
  where: { notebook?: vscode.Uri; chosen?: readonly vscode.Uri[] } = {},
): Promise<SpecRun> {
  const chosen = where.chosen ?? [];
  const notebook = where.notebook;
  const picked = (uri: vscode.Uri): boolean => chosen.some((c) => c.toString() === uri.toString());
  const model = resolveSpecPath(spec.model, base, 'model');
  if (!picked(model)) checkInsideWorkspace(model, 'model', paths.outsideFolders);
  await ensureTrusted(workspaceTrust, `the model ${model.path.split('/').pop()}`);
  const { bytes: modelBytes, identity: modelIdentity } = await readVersioned(model, 'model');
  const input = await jobInput(spec.input, base, 'file', picked, paths);
  const settings = readSettings();
  const job: TraceJob = {
    type: 'trace',
    modelName: model.path.split('/').pop() ?? 'model.onnx',
    modelBytes,
    modelIdentity,
    input,
    settings: { ...settings, engine: spec.engine ?? settings.engine, precision: spec.precision ?? settings.precision },
    wasmDir: paths.wasmDir,
  };
  if (spec.vocab) job.vocab = spec.vocab;
  if (spec.tokens) job.tokens = spec.tokens;
  if (spec.layers) job.layers = spec.layers;
  if (spec.compare) {
    const c: NonNullable<TraceJob['compare']> = { tolerance: spec.tolerance ?? DEFAULT_COMPARE_TOLERANCE };
    if (spec.compare.model !== undefined) {
      const other = resolveSpecPath(spec.compare.model, base, 'compare');
      if (!picked(other)) checkInsideWorkspace(other, 'compare', paths.outsideFolders);
      await ensureTrusted(workspaceTrust, `the model ${other.path.split('/').pop()}`);
      const read = await readVersioned(other, 'compare');
      c.modelBytes = read.bytes;
      c.modelIdentity = read.identity;
      c.modelName = other.path.split('/').pop() ?? 'model.onnx';
    }
    if (spec.compare.input) c.input = await jobInput(spec.compare.input, base, 'compare', picked, paths);
    job.compare = c;
  }
  const sidecar = (paths.sidecarTarget ?? sidecarTarget)(notebook);
  if (sidecar) job.sidecar = sidecar;
  return { ...(await paths.runner.trace(job, hooks)), model };
}

/** A spec input as the worker takes it: files read here (the worker has no VS Code file system), inside the workspace unless the user picked them. */
async function jobInput(input: SpecInput, base: vscode.Uri | undefined, field: string, picked: (uri: vscode.Uri) => boolean, paths: HostPaths): Promise<JobInput> {
  if (input.kind !== 'file') return input;
  const file = resolveSpecPath(input.path, base, field);
  if (!picked(file)) checkInsideWorkspace(file, field, paths.outsideFolders);
  return { kind: 'file', name: file.path, bytes: await readFile(file, field) };
}
