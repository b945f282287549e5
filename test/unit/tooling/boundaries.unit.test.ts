import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkFile, importsOf, lint, webClosureProblems } = require('../../../scripts/lint-boundaries.js');

const SRC = path.resolve(__dirname, '../../../src');
const at = (p: string) => path.join(SRC, p);

describe('runtime boundaries (scripts/lint-boundaries.js)', () => {
  it('finds static, side-effect, dynamic and require imports', () => {
    const src = `import a from 'x';\nimport 'y';\nexport { b } from "./z";\nconst c = require('w');\nawait import('v');`;
    assert.deepEqual(importsOf(src), ['x', 'y', './z', 'w', 'v']);
  });

  it('ignores imports inside comments', () => {
    assert.deepEqual(importsOf(`// import 'vscode'\n/* import fs from 'node:fs' */\nconst x = 1;`), []);
  });

  it("rejects 'vscode' outside src/host", () => {
    for (const area of ['core', 'renderer', 'onnx', 'cli']) {
      const problems = checkFile(SRC, at(`${area}/a.ts`), `import * as vscode from 'vscode';`);
      assert.equal(problems.length, 1, area);
      assert.match(problems[0], /only src\/host may/);
    }
    assert.deepEqual(checkFile(SRC, at('host/a.ts'), `import * as vscode from 'vscode';`), []);
  });

  it('rejects Node built-ins in the pure core, the renderer and the ONNX code', () => {
    for (const area of ['core', 'renderer', 'onnx']) {
      assert.equal(checkFile(SRC, at(`${area}/a.ts`), `import * as fs from 'node:fs';`).length, 1);
      assert.equal(checkFile(SRC, at(`${area}/a.ts`), `const p = require('path');`).length, 1);
    }
    assert.deepEqual(checkFile(SRC, at('cli/a.ts'), `import * as fs from 'node:fs';`), []);
  });

  it('rejects relative imports that reach into another runtime', () => {
    assert.match(checkFile(SRC, at('core/gru/a.ts'), `import { x } from '../../host/b';`)[0], /src\/core may import only from src\/core/);
    assert.equal(checkFile(SRC, at('renderer/a.ts'), `import { x } from '../onnx/b';`).length, 1);
    assert.deepEqual(checkFile(SRC, at('renderer/a.ts'), `import { x } from '../core/trace/document';`), []);
  });

  it('rejects a Node built-in anywhere the web entry reaches, naming the import chain', () => {
    // run-spec.ts as it was before the job runner was factored out: it imported the worker client.
    const read = (f: string): string => (f === at('host/run-spec.ts') ? `import { traceInWorker } from './worker-client';` : readFileSync(f, 'utf8'));
    const problems: string[] = webClosureProblems(SRC, read);
    assert.ok(problems.length >= 1, 'expected a problem');
    assert.ok(
      problems.some((p) => /host-web\/extension\.ts -> .*host\/run-spec\.ts -> host\/worker-client\.ts: imports Node built-in 'node:worker_threads'/.test(p)),
      problems.join('\n'),
    );
  });

  it('rejects src/node code and Node-only packages reached from the web entry', () => {
    const read = (f: string): string => (f === at('host/run-spec.ts') ? `import { a } from '../node/sidecar-file';\nimport b from 'playwright-core';` : readFileSync(f, 'utf8'));
    const problems: string[] = webClosureProblems(SRC, read);
    assert.ok(problems.some((p) => /host\/run-spec\.ts: imports '\.\.\/node\/sidecar-file' from src\/node/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /imports package 'playwright-core', not one the web entry may bundle/.test(p)), problems.join('\n'));
  });

  it('the source tree itself has no forbidden imports', () => {
    assert.deepEqual(lint(SRC), []);
  });
});
