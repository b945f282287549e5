// Picks the matrix-product kernel: 'js' (reference), 'wasm' (SIMD fast path), 'auto' (wasm when
// this runtime can instantiate it, else js).

import type { KernelName, MatKernel } from './kernel';
import { JsKernel } from './kernel-js';
import { createWasmKernel, wasmKernelError } from './kernel-wasm';

export type KernelChoice = KernelName | 'auto';

export function pickKernel(choice: KernelChoice): MatKernel {
  if (choice === 'js') return new JsKernel();
  if (choice === 'wasm') {
    const k = createWasmKernel();
    if (!k) throw new Error(`the WebAssembly SIMD kernel is not available here (${wasmKernelError()}); use kernel: 'js'`);
    return k;
  }
  if (choice === 'auto') return createWasmKernel() ?? new JsKernel();
  throw new RangeError(`kernel is '${String(choice)}'; expected 'js', 'wasm' or 'auto'`);
}

/**
 * A run's kernel option: a name (default 'auto') picks a fresh kernel; a ready instance (e.g. the
 * Node thread pool's kernel, src/node/gru-threads.ts) is used as it is.
 */
export function resolveKernel(choice: KernelChoice | MatKernel | undefined): MatKernel {
  return typeof choice === 'object' ? choice : pickKernel(choice ?? 'auto');
}
