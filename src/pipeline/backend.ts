// gatescope.backend: which onnxruntime-web execution provider runs the model, and how a WebGPU run
// is checked. WebGPU is offered only where navigator.gpu exists and gives an adapter (the web
// extension host in a browser with WebGPU); elsewhere the run uses WASM and its output says why.
// A WebGPU run is repeated on WASM with the same input and every gate compared: the trace's check
// then holds the largest difference, so a saved output shows how far the GPU run can be trusted.

import type { TraceInput } from '../core/trace/encode';
import type { Backend } from './job';

/**
 * |webgpu − wasm| allowed per gate value. GPU float32 kernels sum in another order and approximate
 * exp/tanh differently; gates lie in [-1, 1] (h within the activations' range), where 1e-4 is about
 * 800 float32 ulps at 1: far above rounding noise, far below a visible colour step (1/255).
 */
export const WEBGPU_TOLERANCE = 1e-4;

export interface BackendChoice {
  backend: Backend;
  /** Why the wanted backend was not used (written into the trace's warnings). */
  note?: string;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/** `gpu`: the host's navigator.gpu (undefined where it is absent). */
export async function chooseBackend(wanted: Backend | undefined, gpu: GpuLike | undefined): Promise<BackendChoice> {
  if (wanted !== 'webgpu') return { backend: 'wasm' };
  if (!gpu) {
    return {
      backend: 'wasm',
      note: 'gatescope.backend is "webgpu", but this extension host has no WebGPU (navigator.gpu is absent: the desktop/Node extension host, or a browser without WebGPU); the model ran on wasm.',
    };
  }
  let adapter: unknown = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) {
    return { backend: 'wasm', note: 'gatescope.backend is "webgpu" and navigator.gpu exists, but the browser gives no WebGPU adapter (GPU disabled or blocked); the model ran on wasm.' };
  }
  return { backend: 'webgpu' };
}

/** navigator.gpu of the current global scope (a Web Worker's, a window's), or undefined (Node). */
export function hostGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/** Largest |a − b| over every gate of every layer entry (same model, same input: same layout). */
export function maxGateDifference(a: TraceInput, b: TraceInput): number {
  if (a.layers.length !== b.layers.length) throw new Error(`the runs have ${a.layers.length} and ${b.layers.length} layer entries`);
  let max = 0;
  a.layers.forEach((la, i) => {
    const lb = b.layers[i]!;
    for (const [name, x] of Object.entries(la.gates)) {
      const y = lb.gates[name];
      if (!y || y.length !== x.length) throw new Error(`layer ${la.layer} ${la.direction}: gate ${name} differs in size between the runs`);
      for (let k = 0; k < x.length; k++) {
        const d = Math.abs(x[k]! - y[k]!);
        // NaN in one run only is a difference; NaN in both (from the input) is not.
        if (d > max) max = d;
        else if (Number.isNaN(d) && !(Number.isNaN(x[k]!) && Number.isNaN(y[k]!))) max = Infinity;
      }
    }
  });
  return max;
}

/**
 * Folds the WASM comparison into the WebGPU run's check: reference names both, maxAbsError is the
 * larger of the Y check and the gate difference, tolerance/passed say whether the gates agree.
 */
export function checkAgainstWasm(webgpu: TraceInput, wasm: TraceInput): number {
  const diff = maxGateDifference(webgpu, wasm);
  const own = webgpu.check;
  const worst = Math.max(own?.maxAbsError ?? 0, diff);
  webgpu.check = {
    reference: `${own ? `${own.reference}, and ` : ''}every gate of the same run on onnxruntime-web's wasm backend (max |webgpu - wasm| ${diff.toExponential(2)})`,
    maxAbsError: worst,
    tolerance: WEBGPU_TOLERANCE,
    passed: worst <= WEBGPU_TOLERANCE,
  };
  if (!(diff <= WEBGPU_TOLERANCE)) {
    webgpu.warnings = [
      ...(webgpu.warnings ?? []),
      `The WebGPU gates differ from the wasm run by up to ${diff.toExponential(2)} (tolerance ${WEBGPU_TOLERANCE}); set gatescope.backend to "wasm" for exact values.`,
    ];
  }
  return diff;
}
