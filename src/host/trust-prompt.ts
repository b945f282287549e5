// VS Code side of the trust rule in trust.ts. Stable API has no "request trust" call: a modal
// explains why, offers the Workspace Trust editor, and waits for the grant (or the editor to close).

import * as vscode from 'vscode';
import type { TrustApi } from './trust';

const MANAGE = 'Manage Workspace Trust';
const WAIT_MS = 120_000;

function waitForGrant(): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(vscode.workspace.isTrusted);
    }, WAIT_MS);
    const sub = vscode.workspace.onDidGrantWorkspaceTrust(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve(true);
    });
  });
}

export const workspaceTrust: TrustApi = {
  get isTrusted() {
    return vscode.workspace.isTrusted;
  },
  async ask(message) {
    const choice = await vscode.window.showWarningMessage(message, { modal: true }, MANAGE);
    if (choice !== MANAGE) return false;
    const granted = waitForGrant();
    await vscode.commands.executeCommand('workbench.trust.manage');
    return granted;
  },
};
