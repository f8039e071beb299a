// CPU batched matmul: [B|1, M, K] × [B|1, K, N]. A simple i-k-j loop; the bench tracks its speed.
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";

type Arr = AnyTypedArray;

/** C[m×n] = A[m×k] · B[k×n] for row-major float32 blocks at the given offsets (C is overwritten). */
export const gemm = (
  A: Float32Array, aOff: number, transA: boolean,
  B: Float32Array, bOff: number, transB: boolean,
  C: Float32Array, cOff: number, m: number, k: number, n: number,
): void => {
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const a = transA ? A[aOff + p * m + i]! : A[aOff + i * k + p]!;
      if (transB) for (let j = 0; j < n; j++) row[j] += a * B[bOff + j * k + p]!;
      else {
        const bb = bOff + p * n;
        for (let j = 0; j < n; j++) row[j] += a * B[bb + j]!;
      }
    }
    for (let j = 0; j < n; j++) C[cOff + i * n + j] = row[j]!;
  }
};

export const matmul: Kernel<Arr, "matmul"> = ([a, b], { transA, transB }, out) => {
  const [ba, ra, ca] = a!.shape as [number, number, number];
  const [bb, rb, cb] = b!.shape as [number, number, number];
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const n = transB ? rb : cb;
  const batch = Math.max(ba, bb);
  const C = new Float32Array(batch * m * n);
  for (let i = 0; i < batch; i++)
    gemm(
      a!.data as Float32Array, ba === 1 ? 0 : i * m * k, transA,
      b!.data as Float32Array, bb === 1 ? 0 : i * k * n, transB,
      C, i * m * n, m, k, n,
    );
  void out;
  return C;
};
