// CPU batched matmul: [B|1, M, K] × [B|1, K, N] float32 through a packed, register-blocked GEMM (threaded when large).
// Results do not depend on the thread count (each element is summed in the same order by exactly one thread);
// RIVULET_CPU_THREADS=1 keeps everything on the calling thread. Scratch buffers are reused across calls.
import type { Kernel } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";
import { makeGemm, type GemmBlock } from "./_gemmKernel.js";
import { parallelGemm } from "./_gemmPool.js";

type Arr = AnyTypedArray;

/** Below this many multiply-adds (or for a single row or column) packing costs more than it saves. */
const PACKED_MIN_MACS = 4096;

let packed: GemmBlock | undefined;
let rowScratch = new Float64Array(256);

/** Naive C[m×n] = op(A)·op(B) with float64 row accumulators, for tiny and vector-shaped products. */
const gemmSmall = (
  A: Float32Array, aOff: number, transA: boolean,
  B: Float32Array, bOff: number, transB: boolean,
  C: Float32Array, cOff: number, m: number, k: number, n: number,
): void => {
  if (rowScratch.length < n) rowScratch = new Float64Array(n);
  const row = rowScratch;
  for (let i = 0; i < m; i++) {
    row.fill(0, 0, n);
    for (let p = 0; p < k; p++) {
      const a = transA ? A[aOff + p * m + i]! : A[aOff + i * k + p]!;
      if (transB) for (let j = 0, s = bOff + p; j < n; j++, s += k) row[j] += a * B[s]!;
      else for (let j = 0, s = bOff + p * n; j < n; j++, s++) row[j] += a * B[s]!;
    }
    for (let j = 0; j < n; j++) C[cOff + i * n + j] = row[j]!;
  }
};

/** C[m×n] = op(A)[m×k] · op(B)[k×n] for row-major float32 blocks at the given offsets (C is overwritten). */
export const gemm = (
  A: Float32Array, aOff: number, transA: boolean,
  B: Float32Array, bOff: number, transB: boolean,
  C: Float32Array, cOff: number, m: number, k: number, n: number,
): void => {
  if (m === 1 || n === 1 || m * n * k < PACKED_MIN_MACS) gemmSmall(A, aOff, transA, B, bOff, transB, C, cOff, m, k, n);
  else (packed ??= makeGemm())(A, aOff, transA, B, bOff, transB, C, cOff, m, k, n, 0, m, 0, n);
};

export const matmul: Kernel<Arr, "matmul"> = ([a, b], { transA, transB }, out) => {
  const [ba, ra, ca] = a!.shape as [number, number, number];
  const [bb, rb, cb] = b!.shape as [number, number, number];
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const n = transB ? rb : cb;
  const batch = Math.max(ba, bb);
  const A = a!.data as Float32Array, B = b!.data as Float32Array;
  const C = new Float32Array(batch * m * n);
  const small = m === 1 || n === 1 || m * n * k < PACKED_MIN_MACS;
  if (small || !parallelGemm((packed ??= makeGemm()), A, ba, transA, B, bb, transB, C, batch, m, k, n))
    for (let i = 0; i < batch; i++)
      gemm(A, ba === 1 ? 0 : i * m * k, transA, B, bb === 1 ? 0 : i * k * n, transB, C, i * m * n, m, k, n);
  void out;
  return C;
};
