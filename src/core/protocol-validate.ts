// Checks a message from the renderer against protocol.ts before the host acts on it. Webview
// messages are untrusted input: every field is checked for its exact type and values, and formats
// are looked up as own keys only (`'toString' in {...}` is true). A request that fails still gets
// an answer, so the renderer never waits forever.

import type { ExportFormat, RendererToHost } from './protocol';

type ExportRequest = Extract<RendererToHost, { type: 'export' }>;

export const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'svg', 'csv'];

/** undefined: not an export request (ignore it); otherwise the request, or the error to answer with. */
export function checkExportRequest(msg: unknown): { ok: true; request: ExportRequest } | { ok: false; requestId: number; error: string } | undefined {
  if (typeof msg !== 'object' || msg === null || (msg as { type?: unknown }).type !== 'export') return undefined;
  const m = msg as Record<string, unknown>;
  const requestId = typeof m['requestId'] === 'number' && Number.isSafeInteger(m['requestId']) ? (m['requestId'] as number) : -1;
  const fail = (error: string) => ({ ok: false as const, requestId, error });
  if (requestId === -1) return fail('requestId must be an integer');
  if (typeof m['format'] !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(m['format'])) return fail('format must be png, svg or csv');
  if (typeof m['suggestedName'] !== 'string' || m['suggestedName'].length > 255) return fail('suggestedName must be a string of at most 255 characters');
  if (typeof m['data'] !== 'string') return fail('data must be a string');
  if (m['encoding'] !== 'base64' && m['encoding'] !== 'utf8') return fail('encoding must be base64 or utf8');
  return { ok: true, request: msg as ExportRequest };
}
