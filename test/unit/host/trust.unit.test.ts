import * as assert from 'node:assert/strict';
import { ensureTrusted, TrustRequiredError, type TrustApi } from '../../../src/host/trust';

function api(trusted: boolean, answer: boolean): TrustApi & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    isTrusted: trusted,
    ask: (message: string) => {
      asked.push(message);
      return Promise.resolve(answer);
    },
  };
}

describe('ensureTrusted (running a model needs workspace trust)', () => {
  it('runs without asking in a trusted workspace', async () => {
    const a = api(true, false);
    await ensureTrusted(a, 'the model m.onnx');
    assert.deepEqual(a.asked, []);
  });

  it('asks once in an untrusted workspace and goes on when trust is granted', async () => {
    const a = api(false, true);
    await ensureTrusted(a, 'the model m.onnx');
    assert.equal(a.asked.length, 1);
    assert.match(a.asked[0]!, /needs a trusted workspace to run the model m\.onnx\. Traces already saved in notebooks render without trust/);
  });

  it('refuses with a message saying what to do when trust is not granted', async () => {
    await assert.rejects(
      ensureTrusted(api(false, false), 'the model m.onnx'),
      (e: unknown) => e instanceof TrustRequiredError && /Running the model m\.onnx needs a trusted workspace\. Trust it \(command "Workspaces: Manage Workspace Trust"\) and run again/.test(e.message),
    );
  });
});
