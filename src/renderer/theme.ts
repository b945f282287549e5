// Colours outside the data come from VS Code's theme variables (--vscode-*). DOM chrome uses them
// through CSS var(); canvases read them here and redraw when the theme changes. The fallbacks apply
// only where no VS Code theme is present (a bare page).

export interface ChromeColours {
  background: string;
  foreground: string;
  muted: string;
  border: string;
  focus: string;
  grid: string;
  /** Line colours of the detail plots, in gate display order (a gate list longer than this repeats them). */
  series: string[];
  kind: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

/** Theme kind from the webview body ("vscode-light", "vscode-dark", "vscode-high-contrast", "vscode-high-contrast-light"). */
export function themeKind(): string {
  return document.body?.getAttribute('data-vscode-theme-kind') ?? 'unknown';
}

export function readChrome(element: Element): ChromeColours {
  const s = getComputedStyle(element);
  const fg = cssVar(s, '--vscode-editor-foreground', cssVar(s, '--vscode-foreground', '#333333'));
  return {
    background: cssVar(s, '--vscode-editor-background', '#ffffff'),
    foreground: fg,
    muted: cssVar(s, '--vscode-descriptionForeground', fg),
    border: cssVar(s, '--vscode-contrastBorder', cssVar(s, '--vscode-editorWidget-border', cssVar(s, '--vscode-panel-border', '#888888'))),
    focus: cssVar(s, '--vscode-focusBorder', '#0090f1'),
    grid: cssVar(s, '--vscode-editorLineNumber-foreground', '#999999'),
    series: [
      cssVar(s, '--vscode-charts-blue', '#1a85ff'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
      cssVar(s, '--vscode-charts-green', '#388a34'),
      cssVar(s, '--vscode-charts-purple', '#652d90'),
      cssVar(s, '--vscode-charts-red', '#e51400'),
      cssVar(s, '--vscode-charts-yellow', '#bf8803'),
    ],
    kind: themeKind(),
  };
}

/**
 * One MutationObserver for the whole webview: VS Code swaps the body's theme class and
 * data-vscode-theme-kind and rewrites the --vscode-* variables on <html> style when the theme changes.
 */
export class ThemeWatcher {
  private readonly listeners = new Set<() => void>();
  private observer: MutationObserver | undefined;

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    if (!this.observer) {
      this.observer = new MutationObserver(() => {
        for (const l of [...this.listeners]) l();
      });
      this.observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
      if (document.body) this.observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
    }
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0 && this.observer) {
        this.observer.disconnect();
        this.observer = undefined;
      }
    };
  }
}
