// The host's tile server against real notebooks and sidecars written by the controller: it serves
// tiles of a sidecar the notebook's own outputs reference, and refuses every other request (another
// path, another hash, another notebook, a symlink out of the folder, a corrupt tile), each with a
// message that says why.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TRACE_MIME, type SidecarRef, type TraceDocument } from '../../src/core/trace/document';
import { gateOf } from '../../src/core/trace/decoded';
import { TileServer } from '../../src/host/tile-server';
import { nodeTileSources } from '../../src/host/tile-sources-node';
import { sidecarRefs } from '../../src/host/sidecar-refs';
import { decodeTraceItem, demoModelIn, mainItem, openIpynb, runCell, withSetting, workspaceRoot } from './helpers/notebooks';

describe('sidecar tile server', () => {
  let notebook: vscode.NotebookDocument;
  let ref: SidecarRef;
  let traceDoc: TraceDocument;
  let tensor: string;
  let units: number;
  let tileSteps: number;
  const server = new TileServer(nodeTileSources);

  before(async function () {
    this.timeout(180000);
    await demoModelIn('tiles');
    const editor = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'tiles', 'long.ipynb'), [
      { kind: 'code', source: 'model: demo.onnx\ninput: random\nseed: 3\nsteps: 6000\nprecision: float32' },
    ]);
    const cell = await withSetting('maxOutputMB', 1, () => runCell(editor, 0));
    const { doc, decoded } = decodeTraceItem(mainItem(cell));
    assert.ok(doc.sidecar, 'a 6,000-step float32 run beyond 1 MB writes a sidecar');
    ref = doc.sidecar;
    traceDoc = doc;
    notebook = editor.notebook;
    const h = gateOf(decoded.layers[0]!, 'h')!;
    tensor = h.levels[0]!.remote!.mean.tensor;
    units = h.units;
    tileSteps = decoded.pyramid.tileSteps;
  });
  after(() => server.dispose());

  const ask = (sidecar: SidecarRef, tiles = [{ tensor, b: 0, i: 0 }], nb: vscode.NotebookDocument | undefined = notebook) =>
    server.handle({ type: 'tiles', requestId: 7, sidecar, tiles }, nb);

  it('serves a tile of the sidecar the notebook references, checked against its hash', async () => {
    const r = await ask(ref, [
      { tensor, b: 0, i: 0 },
      { tensor, b: 0, i: 1 },
    ]);
    assert.ok(r && r.ok, r && !r.ok ? r.error : 'no reply');
    assert.equal(r.requestId, 7);
    assert.equal(r.tiles.length, 2);
    assert.equal(Buffer.from(r.tiles[0]!.data, 'base64').length, tileSteps * units * 4);
  });

  it('refuses a path outside the folder, another hash, another notebook and a bad tile index', async () => {
    const cases: [string, Promise<unknown>, RegExp][] = [
      ['path', ask({ ...ref, file: '../tiles/' + ref.file }), /plain file name/],
      ['hash', ask({ ...ref, headerSha256: 'f'.repeat(64) }), /no Gatescope output of this notebook refers/],
      ['unreferenced file', ask({ ...ref, file: 'demo.onnx' }), /no Gatescope output of this notebook refers/],
      ['index', ask(ref, [{ tensor, b: 0, i: 10_000 }]), /outside tensor/],
      ['tensor', ask(ref, [{ tensor: 'L9.forward.h.x1.mean', b: 0, i: 0 }]), /has no tensor/],
      ['no notebook', server.handle({ type: 'tiles', requestId: 7, sidecar: ref, tiles: [{ tensor, b: 0, i: 0 }] }, undefined), /no notebook/],
    ];
    for (const [what, p, re] of cases) {
      const r = (await p) as { ok: boolean; error?: string };
      assert.equal(r.ok, false, `${what} must be refused`);
      assert.match(r.error ?? '', re, what);
    }
    const other = await openIpynb(vscode.Uri.joinPath(workspaceRoot(), 'tiles', 'other.ipynb'), [{ kind: 'markdown', source: '# no outputs' }]);
    const r = await ask(ref, undefined, other.notebook);
    assert.ok(r && !r.ok && /no Gatescope output of this notebook refers/.test(r.error), 'a notebook without that output is refused');
  });

  it('refuses a sidecar that is a symlink out of the notebook folder, and a corrupt tile', async function () {
    this.timeout(60000);
    const dir = path.dirname(notebook.uri.fsPath);
    const copy = path.join(path.dirname(dir), 'tiles-copy');
    await fsp.mkdir(copy, { recursive: true });
    // Notebooks in other folders holding the same output (written here: the first notebook may be closed by now).
    await fsp.writeFile(path.join(copy, 'long.ipynb'), withOutput(traceDoc));
    // A symlink named like the sidecar, pointing at the real one in the other folder.
    await fsp.rm(path.join(copy, ref.file), { force: true });
    await fsp.symlink(path.join(dir, ref.file), path.join(copy, ref.file));
    const linked = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(copy, 'long.ipynb')));
    const viaLink = await ask(ref, undefined, linked);
    assert.ok(viaLink && !viaLink.ok && /resolves outside the notebook's folder/.test(viaLink.error), viaLink && !viaLink.ok ? viaLink.error : 'served');
    // A real copy with one byte of tile 0 flipped.
    const corrupt = path.join(path.dirname(dir), 'tiles-corrupt');
    await fsp.mkdir(corrupt, { recursive: true });
    await fsp.writeFile(path.join(corrupt, 'long.ipynb'), withOutput(traceDoc));
    const bytes = await fsp.readFile(path.join(dir, ref.file));
    const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
    bytes[headerEnd + 5] ^= 0xff;
    await fsp.writeFile(path.join(corrupt, ref.file), bytes);
    const broken = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(corrupt, 'long.ipynb')));
    const r0 = await ask(ref, [{ tensor: firstTensor(bytes), b: 0, i: 0 }], broken);
    assert.ok(r0 && !r0.ok && /is corrupt/.test(r0.error), r0 && !r0.ok ? r0.error : 'served a corrupt tile');
  });
});

describe('sidecar cleanup on save', () => {
  it('keeps a re-run cell\'s old sidecar until the notebook is saved without it, then deletes only that one', async function () {
    this.timeout(240000);
    await demoModelIn('cleanup');
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'cleanup', 'rerun.ipynb');
    const editor = await openIpynb(uri, [{ kind: 'code', source: 'model: demo.onnx\ninput: random\nseed: 1\nsteps: 6000\nprecision: float32' }]);
    const first = await withSetting('maxOutputMB', 1, () => runCell(editor, 0));
    const a = decodeTraceItem(mainItem(first)).doc.sidecar!;
    const dir = path.dirname(uri.fsPath);
    assert.ok(await exists(path.join(dir, a.file)), `first sidecar ${a.file} written; folder: ${(await fsp.readdir(dir)).join(', ')}`);
    assert.match(a.file, /^rerun\.ipynb-[0-9a-f]{12}\.gatescope\.safetensors$/);
    // An unrelated file with a sidecar-like name of another stem is never touched.
    const foreign = path.join(dir, `other-${'0'.repeat(12)}.gatescope.safetensors`);
    await fsp.writeFile(foreign, 'not ours');
    assert.deepEqual(sidecarRefs(editor.notebook).map((r) => r.file), [a.file], 'the notebook refers to the first sidecar');
    assert.equal(await editor.notebook.save(), true, 'the notebook saved');
    assert.ok((await fsp.readFile(uri.fsPath, 'utf8')).includes(a.file), 'the saved notebook refers to the first sidecar');
    const saves: string[] = [];
    const sub = vscode.workspace.onDidSaveNotebookDocument((d) => saves.push(`${d.uri.path.split('/').pop()} with ${sidecarRefs(d).length} refs`));
    // Re-run with another seed: a new sidecar; the old one stays while the saved notebook refers to it.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(editor.notebook.cellAt(0).document.uri, new vscode.Range(0, 0, 99, 0), 'model: demo.onnx\ninput: random\nseed: 2\nsteps: 6000\nprecision: float32');
    await vscode.workspace.applyEdit(edit);
    const second = await withSetting('maxOutputMB', 1, () => runCell(editor, 0));
    const b = decodeTraceItem(mainItem(second)).doc.sidecar!;
    assert.notEqual(a.file, b.file);
    const listing = async () => (await fsp.readdir(dir)).join(', ');
    sub.dispose();
    assert.ok(await exists(path.join(dir, a.file)), `old sidecar ${a.file} kept before the save; folder: ${await listing()}; saves meanwhile: ${saves.join('; ')}; b = ${b.file}`);
    assert.ok(await exists(path.join(dir, b.file)), `new sidecar ${b.file} written; folder: ${await listing()}`);
    await editor.notebook.save();
    // The save listener runs after the save; wait for it.
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && (await fsp.access(path.join(dir, a.file)).then(() => true, () => false))) await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(fsp.access(path.join(dir, a.file)), 'the old sidecar is deleted once the saved notebook no longer refers to it');
    await fsp.access(path.join(dir, b.file));
    await fsp.access(foreign);
  });
});

/** An .ipynb whose one cell holds a Gatescope output with this document. */
function withOutput(doc: TraceDocument): string {
  const cell = { cell_type: 'code', execution_count: 1, metadata: {}, source: ['# copy'], outputs: [{ output_type: 'display_data', data: { [TRACE_MIME]: doc }, metadata: {} }] };
  return JSON.stringify({ cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 });
}

const exists = (f: string) => fsp.access(f).then(() => true, () => false);

/** The tensor stored first in a sidecar (its first tile holds the data section's first bytes). */
function firstTensor(bytes: Buffer): string {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { data_offsets?: [number, number] }>;
  return Object.entries(header).find(([k, v]) => k !== '__metadata__' && v.data_offsets?.[0] === 0)![0];
}
