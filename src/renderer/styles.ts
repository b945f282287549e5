// CSS of the view, scoped under .gs-root. Every colour outside the data is a --vscode-* variable,
// so DOM chrome follows theme changes by itself; canvases redraw through ThemeWatcher.

export const CSS = `
.gs-root { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-editor-foreground, var(--vscode-foreground, #333)); background: var(--vscode-editor-background, #fff);
  padding: 6px 4px; position: relative; box-sizing: border-box; max-width: 100%; }
.gs-root * { box-sizing: border-box; }
.gs-header { margin-bottom: 4px; line-height: 1.45; }
.gs-title { font-weight: 600; }
.gs-muted { color: var(--vscode-descriptionForeground, #717171); }
.gs-warning { color: var(--vscode-editorWarning-foreground, #bf8803); }
.gs-warning::before { content: "⚠ "; }
.gs-notice { border-left: 3px solid var(--vscode-editorWarning-foreground, #bf8803); padding: 1px 6px; margin: 2px 0; }
.gs-error { color: var(--vscode-errorForeground, #a1260d); border: 1px solid var(--vscode-inputValidation-errorBorder, #be1100);
  padding: 6px 8px; white-space: pre-wrap; font-family: var(--vscode-editor-font-family, monospace); }
.gs-toolbar { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; margin: 4px 0; }
.gs-field { display: inline-flex; gap: 4px; align-items: center; }
.gs-select { background: var(--vscode-dropdown-background, #fff); color: var(--vscode-dropdown-foreground, #333);
  border: 1px solid var(--vscode-dropdown-border, #ccc); font: inherit; padding: 1px 2px; }
.gs-button { background: var(--vscode-button-secondaryBackground, var(--vscode-button-background, transparent));
  color: var(--vscode-button-secondaryForeground, var(--vscode-button-foreground, inherit));
  border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent)); font: inherit; padding: 2px 8px; cursor: pointer; }
.gs-button:hover { background: var(--vscode-button-secondaryHoverBackground, var(--vscode-button-hoverBackground, transparent)); }
.gs-select:focus, .gs-button:focus, .gs-stack:focus { outline: 1px solid var(--vscode-focusBorder, #0090f1); outline-offset: 1px; }
.gs-stack { position: relative; user-select: none; touch-action: none; cursor: crosshair; }
.gs-gate { display: flex; align-items: stretch; margin-bottom: 4px; }
.gs-gate-label { width: 66px; flex: none; padding-right: 6px; text-align: right; font-size: 0.92em; line-height: 1.2; overflow: hidden; }
.gs-gate-label b { font-size: 1.1em; }
.gs-plot { position: relative; flex: none; border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #c8c8c8)); }
.gs-plot canvas { display: block; image-rendering: pixelated; }
.gs-units { position: relative; flex: none; width: 30px; margin-top: 1px; font-size: 10px; overflow: visible; }
.gs-units span, .gs-steps span { position: absolute; white-space: pre; color: var(--vscode-descriptionForeground, #717171); }
.gs-units span { right: 3px; transform: translateY(-50%); line-height: 1; }
.gs-legend { flex: none; width: 118px; padding-left: 8px; font-size: 10px; line-height: 1.2; position: relative; }
.gs-legend canvas { display: block; border: 1px solid var(--vscode-editorWidget-border, #c8c8c8); }
.gs-legend-ticks { position: relative; height: 12px; }
.gs-legend-ticks span { position: absolute; transform: translateX(-50%); color: var(--vscode-descriptionForeground, #717171); }
.gs-swatches { display: flex; flex-wrap: wrap; gap: 2px 10px; margin: 2px 0 0 96px; font-size: 0.92em; }
.gs-swatch { display: inline-flex; align-items: center; gap: 2px; }
.gs-swatch i { display: inline-block; width: 9px; height: 9px; border: 1px solid var(--vscode-editorWidget-border, #888); }
.gs-steps { position: relative; height: 34px; margin-left: 96px; font-size: 10px; overflow: hidden; }
.gs-steps span { top: 2px; transform: translateX(-50%); max-width: 90px; overflow: hidden; text-overflow: ellipsis; }
.gs-steps span.gs-token { top: 16px; color: var(--vscode-editor-foreground, #333); }
.gs-lod { font-size: 0.92em; margin: 2px 0 0 96px; }
.gs-xhair-v, .gs-xhair-h, .gs-cursor { position: absolute; pointer-events: none; display: none; }
.gs-xhair-v { width: 0; border-left: 1px solid var(--vscode-editorCursor-foreground, #000); top: 0; bottom: 0; }
.gs-xhair-h { height: 0; border-top: 1px solid var(--vscode-editorCursor-foreground, #000); left: 0; right: 0; }
.gs-cursor { outline: 2px solid var(--vscode-focusBorder, #0090f1); }
.gs-tooltip { position: absolute; z-index: 10; pointer-events: none; display: none; padding: 4px 8px;
  background: var(--vscode-editorHoverWidget-background, #f3f3f3); color: var(--vscode-editorHoverWidget-foreground, #333);
  border: 1px solid var(--vscode-editorHoverWidget-border, #c8c8c8); font-size: 12px; line-height: 1.35; white-space: nowrap; }
.gs-tooltip table { border-collapse: collapse; }
.gs-tooltip td { padding: 0 6px 0 0; font-variant-numeric: tabular-nums; }
.gs-tooltip .gs-tip-token { white-space: pre; }
.gs-detail { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 6px; }
.gs-detail figure { margin: 0; }
.gs-detail figcaption { font-size: 0.92em; margin-bottom: 2px; }
.gs-detail canvas { display: block; border: 1px solid var(--vscode-editorWidget-border, #c8c8c8); }
.gs-stats { font-size: 0.92em; margin-top: 2px; }
.gs-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.gs-status { font-size: 0.92em; min-height: 1.3em; }
`;
