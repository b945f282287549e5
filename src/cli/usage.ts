// Text of `gatescope --help`.

export const USAGE = `Usage:
  gatescope trace MODEL.onnx --input FILE [--input NAME=FILE ...] [options]
  gatescope render TRACE.json --out FILE.png [--theme light|dark|high-contrast] [--width PX]
  gatescope export TRACE.json --out DIR
  gatescope diff A.json B.json [--tolerance T] [--out DIFF.json] [--align-units]
  gatescope diff A.onnx B.onnx --input FILE [--input NAME=FILE ...] [--input-b FILE ...] [options]
  gatescope --help | --version

Runs a model exported to ONNX in onnxruntime-web and writes a Gatescope trace (the reset r,
update z, candidate n and hidden h of every GRU node, every step, every layer and direction) as
JSON (MIME application/vnd.gatescope.trace+json). 'render' draws a trace as a PNG with the
notebook renderer in headless Chromium. 'export' writes every gate of a trace (and of its sidecar)
as DIR/L{layer}-{direction}-{gate}.npy: float32 [batch, steps, units], NaN where masked, run b of a
comparison prefixed b- (open with numpy.load). 'diff' compares two runs gate by gate (below).

trace options:
  --input FILE | NAME=FILE   A model input: .npy (float32, float64 converted, int64, int32) or .json
                             (nested arrays). A model with one input takes a bare FILE; otherwise
                             give NAME=FILE for every input.
  --engine onnxruntime       (default) gates recomputed from onnxruntime's hidden states and
                             checked against its output Y (check.maxAbsError in the trace)
  --engine native            each GRU node's recurrence computed by Gatescope's engine from the
                             X that onnxruntime produced for it (still checked against Y)
  --precision P              float32 (default), float16 or uint8 storage of the gate values
  --tokens TEXT              step labels, separated by spaces (one per step)
  --tokens-file FILE         step labels, one per line
  --out FILE                 write the trace to FILE (default: standard output); written to a
                             temporary file first and renamed, so FILE is never left half-written
  --allow-mismatch           keep a trace whose recomputed h differs from onnxruntime's Y by more
                             than the tolerance (|h - Y| / max(1, |Y|) > 1e-3); the trace carries a
                             warning. Without it such a run fails with exit status 1.
  --threads N                compute threads for the GRU engine's recurrence (each step's R·h split
                             by rows) and the gate recompute (split by steps); default: available
                             cores - 1, at least 1. onnxruntime itself runs on one thread.
  --verbose                  stack traces on errors, timings on standard error

diff options (two traces of any version, with or without a sidecar, or two ONNX models):
  --tolerance T              |A - B| above T is a divergence (default 1e-5)
  --out DIFF.json            write a comparison trace: run a, run b (entries tagged "run": "b")
                             and the statistics (field "compare")
  --input FILE | NAME=FILE   two models: the input fed to both (as for trace)
  --input-b FILE | NAME=FILE two models: model B's input, when it differs from A's (one model
                             fed two inputs: gatescope diff M.onnx M.onnx --input X1 --input-b X2)
  --align-units              match B's units to A's by correlation of h (Hungarian) before
                             comparing (two checkpoints whose units may be in another order)
diff prints a table (per layer, direction and gate: max |A - B|, RMS, SQNR in dB, first step past
the tolerance, worst cell) and, as its last line, the JSON
  {"maxAbsDiff": x, "firstDivergentStep": n or null, "worst": {"layer", "direction", "gate", "unit", "step"}}
Masked steps (sequence_lens) are not compared. diff exits 0 within the tolerance, 1 past it and 2
when the runs cannot be compared (bad input, runs that do not line up).

Exit status: 0 on success; 1 when the model or an input is rejected; 2 for a usage error.
Errors are one line on standard error, beginning 'gatescope: '.
`;
