// One error type for everything the ONNX path rejects. The message is one line that names the
// problem (file, tensor, expected against found) and what to do; callers prefix it ("gatescope: ").

import { oneLinePrintable } from '../core/io/printable';

export class OnnxTraceError extends Error {
  override name = 'OnnxTraceError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLinePrintable(message), options);
  }
}

/** First line of an unknown thrown value, for wrapping onnxruntime's multi-line messages. */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').map((s) => s.trim()).find((s) => s.length > 0) ?? 'unknown error';
}

/** onnxruntime-web's messages carry build paths and error codes; keep the part a user can act on. */
export function cleanOrtMessage(msg: string): string {
  return msg.replace(/^Can't create a session\. /, '').replace(/ERROR_CODE: \d+, ERROR_MESSAGE: /, '').replace(/\S*onnxruntime\/core\/\S+ /g, '');
}
