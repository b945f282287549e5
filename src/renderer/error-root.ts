// The short error an output shows instead of its view: a document that cannot be decoded (registry.ts)
// or whose deferred level 0 turns out broken while it is decoded in the background (view.ts).
import { TraceFormatError } from '../core/trace/errors';
import { TRACE_ATTR } from '../core/view/status-contract';
import { el } from './dom';
import { CSS } from './styles';

/** A short error in the output's own element; other outputs are untouched. */
export function showError(element: HTMLElement, e: unknown): void {
  const root = el('div', 'gs-root', undefined, { [TRACE_ATTR.gatescope]: 'error' });
  root.append(el('style', undefined, CSS));
  const msg = e instanceof Error ? e.message : String(e);
  const text = e instanceof TraceFormatError ? `Gatescope cannot show this trace: ${msg}` : `Gatescope failed to draw this trace: ${msg}`;
  root.append(el('div', 'gs-error', text.length > 600 ? `${text.slice(0, 600)}…` : text, { role: 'alert' }));
  element.replaceChildren(root);
}
