// Progress and cancellation for a forward pass: steps are counted, and every CHECK_EVERY steps the
// caller's signal is read and onProgress called (so a long run can be stopped between steps).

import { CancelledError } from '../cancel';

export const CHECK_EVERY = 256;

/** Thrown when `signal.aborted` is seen during an LSTM or RNN run (the one CancelledError, named for its cell). */
export class RunCancelledError extends CancelledError {
  constructor(cell: string) {
    super(`${cell} run cancelled`);
    this.name = 'RunCancelledError';
  }
}

export class Progress {
  private done = 0;
  private sinceCheck = 0;
  constructor(
    private readonly cell: string,
    private readonly total: number,
    private readonly opts: { onProgress?: (fraction: number) => void; signal?: { aborted: boolean } },
  ) {}

  /** One step done. */
  step(): void {
    if (++this.sinceCheck >= CHECK_EVERY) this.check();
  }

  check(): void {
    this.done += this.sinceCheck;
    this.sinceCheck = 0;
    if (this.opts.signal?.aborted) throw new RunCancelledError(this.cell);
    this.opts.onProgress?.(Math.min(1, this.done / Math.max(1, this.total)));
  }

  finish(): void {
    this.opts.onProgress?.(1);
  }
}
