// Text of `gatescope --help`.

export const USAGE = `Usage:
  gatescope trace MODEL.onnx --input FILE [--input NAME=FILE ...] [options]
  gatescope render TRACE.json --out FILE.png [--theme light|dark|high-contrast] [--width PX]
  gatescope export TRACE.json --out DIR
  gatescope --help | --version

Runs a model exported to ONNX in onnxruntime-web and writes a Gatescope trace (the reset r,
update z, candidate n and hidden h of every GRU node, every step, every layer and direction) as
JSON (MIME application/vnd.gatescope.trace+json). 'render' draws a trace as a PNG with the
notebook renderer in headless Chromium. 'export' writes every gate of a trace (and of its sidecar)
as DIR/L{layer}-{direction}-{gate}.npy: float32 [batch, steps, units], NaN where masked, run b of a
comparison prefixed b- (open with numpy.load).

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
  --verbose                  stack traces on errors, timings on standard error

Exit status: 0 on success; 1 when the model or an input is rejected; 2 for a usage error.
Errors are one line on standard error, beginning 'gatescope: '.
`;
