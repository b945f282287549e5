import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'gatescope.gatescope';

describe('extension in a real VS Code extension host', () => {
  it('is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes the renderer for the trace MIME type', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const renderers = ext.packageJSON.contributes.notebookRenderer as { id: string; mimeTypes: string[] }[];
    assert.deepEqual(renderers.map((r) => [r.id, r.mimeTypes]), [['gatescope', ['application/vnd.gatescope.trace+json']]]);
  });

  it('registers every command it declares', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const declared = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  });
});
