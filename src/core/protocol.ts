// Messages between the notebook renderer (webview) and the extension host, through the renderer
// messaging API (contributes.notebookRenderer.requiresMessaging = "optional"). One definition,
// imported by both sides. Browser downloads do not work inside VS Code webviews, so exports go
// through the host's save dialog.

export type ExportFormat = 'png' | 'svg' | 'csv';

/** Renderer → host. */
export type RendererToHost =
  | {
      type: 'export';
      /** Correlates the reply. */
      requestId: number;
      format: ExportFormat;
      /** File name offered in the save dialog, e.g. "gru-layer0-forward.png". */
      suggestedName: string;
      /** png: base64 of the PNG bytes; svg and csv: the text itself. */
      data: string;
      encoding: 'base64' | 'utf8';
    }
  | { type: 'ready' };

/** Host → renderer. */
export type HostToRenderer =
  | { type: 'exportResult'; requestId: number; ok: true; path: string }
  | { type: 'exportResult'; requestId: number; ok: false; cancelled: boolean; error?: string };
