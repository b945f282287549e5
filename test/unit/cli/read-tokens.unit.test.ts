// --tokens-file contents (issue 15): an empty file said "1 token labels", invalid UTF-8 became
// U+FFFD silently.
import * as assert from 'node:assert/strict';
import { CliError } from '../../../src/cli/errors';
import { parseTokensFile } from '../../../src/cli/read-tokens';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('--tokens-file', () => {
  it('reads one label per line (LF or CRLF), one final newline optional, BOM dropped', () => {
    assert.deepEqual(parseTokensFile(bytes('a\nb c\r\nd\n'), 'tokens.txt'), ['a', 'b c', 'd']);
    assert.deepEqual(parseTokensFile(bytes('\ufeffa\nb'), 'tokens.txt'), ['a', 'b']);
  });

  it('refuses an empty file with what to do', () => {
    for (const text of ['', '\n']) {
      assert.throws(() => parseTokensFile(bytes(text), 'tokens.txt'), (e: unknown) => e instanceof CliError && /tokens file 'tokens\.txt' is empty; write one label per line/.test(e.message));
    }
  });

  it('refuses invalid UTF-8 with the byte offset, never a silent U+FFFD', () => {
    const b = Uint8Array.from([0x61, 0x0a, 0x62, 0xff, 0x0a]);
    assert.throws(() => parseTokensFile(b, 'tokens.txt'), (e: unknown) => e instanceof CliError && /tokens file 'tokens\.txt' is not valid UTF-8 \(line 2\); save it as UTF-8/.test(e.message));
  });
});
