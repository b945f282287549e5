// Notebook renderer entry (ES module loaded by VS Code's notebook webview): wiring only.
import type { ActivationFunction } from 'vscode-notebook-renderer';
import { OutputRegistry } from './registry';

export const activate: ActivationFunction = (context) => {
  const outputs = new OutputRegistry(context);
  return {
    renderOutputItem(outputItem, element, signal) {
      outputs.render(outputItem, element, signal);
    },
    disposeOutputItem(id) {
      outputs.dispose(id);
    },
  };
};
