// The gatescope.* settings (declared in package.json contributes.configuration), read per run so a
// change applies to the next run without a reload. A spec cell's engine/precision override them.

import { readRendererSettings } from '../core/renderer-settings';
import * as vscode from 'vscode';
import { SPEC_ENGINES, SPEC_PRECISIONS, type SpecEngine, type SpecPrecision } from '../core/spec/spec';
import type { RunSettings } from './worker-protocol';

export function readSettings(): RunSettings {
  const c = vscode.workspace.getConfiguration('gatescope');
  const engine = c.get<string>('engine', 'onnxruntime');
  const precision = c.get<string>('precision', 'auto');
  const mb = c.get<number>('maxOutputMB', 8);
  const threads = c.get<number>('onnxruntimeThreads', 1);
  const gruThreads = c.get<number>('threads', 0);
  const pngPreview = c.get<boolean>('pngPreview', true);
  const backend = c.get<string>('backend', 'wasm');
  return {
    engine: (SPEC_ENGINES as readonly string[]).includes(engine) ? (engine as SpecEngine) : 'onnxruntime',
    precision: (SPEC_PRECISIONS as readonly string[]).includes(precision) ? (precision as SpecPrecision) : 'auto',
    // Clamped to the ranges package.json declares (settings.json edits can bypass the schema).
    maxBytes: Math.round(Math.min(256, Math.max(1, Number.isFinite(mb) ? mb : 8)) * 1024 * 1024),
    numThreads: Math.min(16, Math.max(1, Number.isInteger(threads) ? threads : 1)),
    gruThreads: Number.isInteger(gruThreads) ? Math.min(64, Math.max(0, gruThreads)) : 0,
    pngPreview: pngPreview !== false,
    colorMap: readRendererSettings({ colorMap: c.get('colorMap') }).colorMap,
    backend: backend === 'webgpu' ? 'webgpu' : 'wasm',
  };
}
