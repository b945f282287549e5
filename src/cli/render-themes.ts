// VS Code theme variables for `gatescope render`, so the headless page looks like the notebook in
// that theme (values of VS Code's default Light Modern, Dark Modern and Dark High Contrast themes).
// Only chrome uses them; data colours are fixed.

export type RenderTheme = 'light' | 'dark' | 'high-contrast';

const COMMON = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

const THEMES: Record<RenderTheme, { kind: string; vars: Record<string, string> }> = {
  light: {
    kind: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-editorCursor-foreground': '#000000',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-errorForeground': '#f85149',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-foreground': '#3b3b3b',
      '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
    },
  },
  dark: {
    kind: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-editorCursor-foreground': '#aeafad',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-errorForeground': '#f85149',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-editorHoverWidget-background': '#202020',
      '--vscode-editorHoverWidget-foreground': '#cccccc',
      '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
    },
  },
  'high-contrast': {
    kind: 'vscode-high-contrast',
    vars: {
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-editorLineNumber-foreground': '#ffffff',
      '--vscode-editorCursor-foreground': '#ffffff',
      '--vscode-editorWarning-foreground': '#ffd700',
      '--vscode-errorForeground': '#f48771',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-editorHoverWidget-background': '#0c141f',
      '--vscode-editorHoverWidget-foreground': '#ffffff',
      '--vscode-editorHoverWidget-border': '#6fc3df',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
    },
  },
};

export const RENDER_THEMES = Object.keys(THEMES) as RenderTheme[];

/** The page that hosts the renderer: theme variables on <html>, the theme kind on <body>. */
export function renderPage(theme: RenderTheme, width: number, bundleUrl: string): string {
  const t = THEMES[theme];
  const vars = Object.entries({ ...COMMON, ...t.vars })
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');
  return `<!doctype html><html style='${vars}'><head><meta charset="utf-8">
<style>body { margin: 0; background: var(--vscode-editor-background); } #out { width: ${width}px; }</style></head>
<body class="${t.kind}" data-vscode-theme-kind="${t.kind}"><div id="out"></div>
<script type="module">import { activate } from '${bundleUrl}'; window.gatescopeRenderer = activate; window.gatescopeReady = true;</script>
</body></html>`;
}
