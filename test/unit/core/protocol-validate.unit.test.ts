// Export requests from the renderer are checked strictly before the host acts on them (issue 15:
// `format in FILTERS` accepted "toString" and "__proto__", and a non-string name threw without a
// reply, so the renderer waited forever).
import * as assert from 'node:assert/strict';
import { checkExportRequest } from '../../../src/core/protocol-validate';

/** The refusal of `msg`, failing the test when it was accepted or ignored. */
function refusal(msg: unknown): { requestId: number; error: string } {
  const r = checkExportRequest(msg);
  if (!r || r.ok) return assert.fail('expected a refusal');
  return r;
}

const good = { type: 'export', requestId: 3, format: 'csv', suggestedName: 'a.csv', data: 'x', encoding: 'utf8' };

describe('export request validation', () => {
  it('accepts a well-formed request as is', () => {
    assert.deepEqual(checkExportRequest(good), { ok: true, request: good });
  });

  it('refuses inherited property names as formats', () => {
    for (const format of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'PNG', 'pdf', 1]) {
      const r = refusal({ ...good, format });
      assert.equal(r.requestId, 3);
      assert.match(r.error, /format must be png, svg or csv/);
    }
  });

  it('refuses non-string names, data and encodings, still with the request id to answer', () => {
    for (const [key, value] of [['suggestedName', 7], ['suggestedName', { toString: 1 }], ['data', null], ['encoding', 'latin1'], ['encoding', undefined]] as const) {
      const r = refusal({ ...good, [key]: value });
      assert.equal(r.requestId, 3);
      assert.match(r.error, new RegExp(`${key} must be`));
    }
  });

  it('answers even a request without a usable id (id -1), and ignores what is no export request', () => {
    assert.equal(refusal({ ...good, requestId: 'x' }).requestId, -1);
    assert.equal(checkExportRequest({ type: 'ready' }), undefined);
    assert.equal(checkExportRequest(null), undefined);
    assert.equal(checkExportRequest('export'), undefined);
  });
});
