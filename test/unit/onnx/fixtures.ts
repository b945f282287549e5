// Loading the committed ONNX fixtures (test/fixtures/onnx, made by make_onnx_fixtures.py).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseNpy } from '../../../src/core/io/npy';
import { tensorFromFile, type UserTensor } from '../../../src/onnx/inputs';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/onnx');
/** onnxruntime-web's runtime files straight from the package (the build copies the same two). */
export const WASM_DIR = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

export interface ManifestEntry {
  source: string;
  inputs: string[];
  layers?: number;
  directions?: number;
  hiddenSize: number;
  inputSize: number;
  batch: number;
  steps: number;
  direction?: string;
}

export const manifest: Record<string, ManifestEntry> = JSON.parse(readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8'));

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES, file)));
}

export function npyTensor(file: string): UserTensor {
  return tensorFromFile(file, fixtureBytes(file), false)!;
}

/** The inputs a fixture model is traced on, by graph input name. */
export function fixtureInputs(name: string): Record<string, UserTensor> {
  const names = manifest[name]!.inputs;
  const out: Record<string, UserTensor> = { [names[0]!]: npyTensor(`${name}.input.npy`) };
  if (names[1] === 'h0') out.h0 = npyTensor(`${name}.h0.npy`);
  return out;
}

/** torch's gate reference [L*D, 4, B, T, H] as a Float32Array with its dims. */
export function torchGates(name: string): { dims: number[]; data: Float32Array } {
  const t = parseNpy(fixtureBytes(`${name}.gates.npy`));
  return { dims: t.shape, data: t.data as Float32Array };
}

export { maxAbsDiff } from '../core/gru/fixtures';
