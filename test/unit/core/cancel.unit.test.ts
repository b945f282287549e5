import * as assert from 'node:assert/strict';
import { CancelledError, throwIfCancelled } from '../../../src/core/cancel';
import { GruCancelledError } from '../../../src/core/gru';
import { RunCancelledError } from '../../../src/core/recurrent/progress';
import { SidecarCancelled } from '../../../src/core/trace/encode';
import { CancelledError as HostCancelledError } from '../../../src/host/job-runner';
import { CancelledError as PipelineCancelledError } from '../../../src/pipeline';

describe('cancellation (one error type for every stage)', () => {
  it('is what the engines, the sidecar writer, the pipeline and the hosts throw', () => {
    for (const e of [new GruCancelledError(), new RunCancelledError('LSTM'), new SidecarCancelled()]) assert.ok(e instanceof CancelledError, e.name);
    assert.equal(HostCancelledError, CancelledError);
    assert.equal(PipelineCancelledError, CancelledError);
  });

  it('is thrown once the signal is aborted, not before', () => {
    const signal = { aborted: false };
    throwIfCancelled(signal);
    throwIfCancelled(undefined);
    signal.aborted = true;
    assert.throws(() => throwIfCancelled(signal), (e: unknown) => e instanceof CancelledError && e.name === 'CancelledError');
  });
});
