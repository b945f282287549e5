// Pure JavaScript kernel: blocked products with float64 accumulators. The reference path.

import type { MatKernel } from './kernel';

/**
 * C[m, n] = sum_k A[aOff + m*lda + k] * B[bOff + n*ldb + k]   (A · B^T), m < M, n < N, k < K.
 * 2 x 4 register blocking: each loaded value is used 4 (A) or 2 (B) times.
 */
export function gemmNT(
  A: Float32Array, aOff: number, lda: number, M: number,
  B: Float32Array, bOff: number, ldb: number, N: number, K: number,
  C: Float32Array, cOff: number, ldc: number,
): void {
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const a0 = aOff + m * lda;
    const a1 = a0 + lda;
    const c0 = cOff + m * ldc;
    const c1 = c0 + ldc;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const b0 = bOff + n * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const w0 = B[b0 + k];
        const w1 = B[b1 + k];
        const w2 = B[b2 + k];
        const w3 = B[b3 + k];
        s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
        s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
      }
      C[c0 + n] = s00; C[c0 + n + 1] = s01; C[c0 + n + 2] = s02; C[c0 + n + 3] = s03;
      C[c1 + n] = s10; C[c1 + n + 1] = s11; C[c1 + n + 2] = s12; C[c1 + n + 3] = s13;
    }
    for (; n < N; n++) {
      const b0 = bOff + n * ldb;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < K; k++) {
        const w = B[b0 + k];
        s0 += A[a0 + k] * w;
        s1 += A[a1 + k] * w;
      }
      C[c0 + n] = s0;
      C[c1 + n] = s1;
    }
  }
  if (m < M) matvec(B, bOff, ldb, N, K, A, aOff + m * lda, C, cOff + m * ldc);
}

/** y[yOff + i] = sum_k A[aOff + i*lda + k] * x[xOff + k], i < rows. Four rows share each x load. */
export function matvec(A: Float32Array, aOff: number, lda: number, rows: number, K: number, x: Float32Array, xOff: number, y: Float32Array, yOff: number): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = aOff + i * lda;
    const r1 = r0 + lda;
    const r2 = r1 + lda;
    const r3 = r2 + lda;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let k = 0; k < K; k++) {
      const v = x[xOff + k];
      s0 += A[r0 + k] * v;
      s1 += A[r1 + k] * v;
      s2 += A[r2 + k] * v;
      s3 += A[r3 + k] * v;
    }
    y[yOff + i] = s0;
    y[yOff + i + 1] = s1;
    y[yOff + i + 2] = s2;
    y[yOff + i + 3] = s3;
  }
  for (; i < rows; i++) {
    const r0 = aOff + i * lda;
    let s = 0;
    for (let k = 0; k < K; k++) s += A[r0 + k] * x[xOff + k];
    y[yOff + i] = s;
  }
}

export class JsKernel implements MatKernel {
  readonly name = 'js' as const;
  G = 0;
  Gr = 0;
  blocks = 3;
  chunk = 0;
  xp: Float32Array = new Float32Array(0);
  hp: Float32Array = new Float32Array(0);
  vin: Float32Array = new Float32Array(0);
  vin2: Float32Array = new Float32Array(0);
  private W: Float32Array = new Float32Array(0);
  private R: Float32Array = new Float32Array(0);
  private I = 0;

  load(W: Float32Array, R: Float32Array, inputSize: number, hiddenSize: number, chunk: number, blocks = 3, recurrentSize = hiddenSize): void {
    this.W = W;
    this.R = R;
    this.I = inputSize;
    const sameShape = this.chunk === chunk && this.G === hiddenSize && this.Gr === recurrentSize && this.blocks === blocks;
    this.G = hiddenSize;
    this.Gr = recurrentSize;
    this.blocks = blocks;
    if (!sameShape) {
      this.chunk = chunk;
      this.xp = new Float32Array(chunk * blocks * hiddenSize);
      this.hp = new Float32Array(chunk * blocks * hiddenSize);
      this.vin = new Float32Array(chunk * recurrentSize);
      this.vin2 = new Float32Array(chunk * recurrentSize);
    }
  }

  projectX(x: Float32Array, xOff: number, rows: number): void {
    const N = this.blocks * this.G;
    if (rows === 1) matvec(this.W, 0, this.I, N, this.I, x, xOff, this.xp, 0);
    else gemmNT(x, xOff, this.I, rows, this.W, 0, this.I, N, this.I, this.xp, 0, N);
  }

  projectV(useVin2: boolean, rows: number, block0: number, nBlocks: number): void {
    const H = this.G;
    const Hr = this.Gr;
    const src = useVin2 ? this.vin2 : this.vin;
    const rOff = block0 * H * Hr;
    if (rows === 1) matvec(this.R, rOff, Hr, nBlocks * H, Hr, src, 0, this.hp, block0 * H);
    else gemmNT(src, 0, Hr, rows, this.R, rOff, Hr, nBlocks * H, Hr, this.hp, block0 * H, this.blocks * H);
  }
}
