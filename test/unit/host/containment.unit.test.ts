// Spec-cell paths stay inside the notebook's workspace folders once symlinks are resolved (issue 15:
// a spec could read any file the user can read: absolute paths, ../../.., symlinks).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { outsideFolders } from '../../../src/host/containment';

describe('spec path containment', () => {
  let root = '';
  let ws = '';
  let outside = '';
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'gatescope-contain-'));
    ws = path.join(root, 'ws');
    outside = path.join(root, 'secret');
    mkdirSync(path.join(ws, 'models'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(ws, 'models', 'm.onnx'), 'm');
    writeFileSync(path.join(outside, 'key.npy'), 'k');
    symlinkSync(path.join(outside, 'key.npy'), path.join(ws, 'link.npy'));
    symlinkSync(outside, path.join(ws, 'linkdir'));
    mkdirSync(path.join(root, 'ws-evil'));
    writeFileSync(path.join(root, 'ws-evil', 'x.npy'), 'x');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a file inside a workspace folder', () => {
    assert.equal(outsideFolders(path.join(ws, 'models', 'm.onnx'), [ws]), undefined);
    assert.equal(outsideFolders(path.join(ws, 'models', '..', 'models', 'm.onnx'), [ws]), undefined);
  });

  it('returns the real path of a file outside: ../, absolute, symlinked file or folder, a sibling with a common prefix', () => {
    const real = path.join(outside, 'key.npy');
    assert.equal(outsideFolders(path.join(ws, '..', 'secret', 'key.npy'), [ws]), real);
    assert.equal(outsideFolders(real, [ws]), real);
    assert.equal(outsideFolders(path.join(ws, 'link.npy'), [ws]), real);
    assert.equal(outsideFolders(path.join(ws, 'linkdir', 'key.npy'), [ws]), real);
    assert.equal(outsideFolders(path.join(root, 'ws-evil', 'x.npy'), [ws]), path.join(root, 'ws-evil', 'x.npy'));
  });

  it('with no workspace folder every file is outside; a missing file is judged by its folder', () => {
    assert.equal(outsideFolders(path.join(ws, 'models', 'm.onnx'), []), path.join(ws, 'models', 'm.onnx'));
    assert.equal(outsideFolders(path.join(ws, 'models', 'new.onnx'), [ws]), undefined);
    assert.equal(outsideFolders(path.join(ws, 'linkdir', 'new.npy'), [ws]), path.join(outside, 'new.npy'));
  });
});
