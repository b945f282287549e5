// "Compare With…" under a trace output: asks the extension host (src/core/protocol.ts, 'compareWith')
// to pick a second trace and insert the comparison. The output's element also names it for the
// webview context menu (package.json, webview/context: `webviewSection == gatescope-trace`), whose
// command receives this data-vscode-context as its argument. Without renderer messaging (GitHub,
// JupyterLab) there is no host to ask, and no button.
import type { RendererToHost } from '../core/protocol';
import { button, el } from './dom';

/** The context the webview context menu forwards to gatescope.compareWith for this output. */
export function outputMenuContext(outputId: string): string {
  return JSON.stringify({ webviewSection: 'gatescope-trace', gatescopeOutputId: outputId });
}

export function compareWithBar(outputId: string, post: ((m: RendererToHost) => void) | undefined): HTMLElement | undefined {
  if (!post) return undefined;
  const bar = el('div', 'gs-root gs-toolbar', undefined, { 'data-gatescope': 'compare-with' });
  const b = button('Compare With…', 'Compare this trace with another trace output of the notebook or a trace .json file; inserts the comparison below');
  b.addEventListener('click', () => post({ type: 'compareWith', outputId }));
  bar.append(b);
  return bar;
}
