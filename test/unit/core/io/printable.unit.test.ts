// Control bytes from a file never reach a message as themselves (issue 15: NUL and control bytes
// were echoed into the one-line errors, and could break the line or drive a terminal).
import * as assert from 'node:assert/strict';
import { printable } from '../../../../src/core/io/printable';
import { InputFormatError } from '../../../../src/core/io/tensor';
import { OnnxTraceError } from '../../../../src/onnx/errors';
import { CliError } from '../../../../src/cli/errors';

describe('printable messages', () => {
  it('escapes C0 controls, DEL, C1 controls and line separators; keeps other text', () => {
    assert.equal(printable('a\u0000b\u001b[31mc\u007f\u0085\u2028d é ✓'), 'a\\x00b\\x1b[31mc\\x7f\\x85\\u2028d é ✓');
  });

  it('every error type a user sees applies it', () => {
    for (const E of [InputFormatError, OnnxTraceError, CliError]) {
      const e = new E('attribute linear_bef\u0016\u0000 for operator GRU');
      assert.equal(e.message, 'attribute linear_bef\\x16\\x00 for operator GRU', E.name);
    }
  });
});
