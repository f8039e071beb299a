// CPU batched matmul: [B|1, M, K] × [B|1, K, N] float32 through the WebAssembly SIMD GEMM on every thread.
// Results do not depend on the thread count (each element is summed in the same order by exactly one thread);
// RIVULET_CPU_THREADS=1 keeps everything on the calling thread. Without shared WebAssembly memory (or with
// RIVULET_CPU_WASM=0) the TypeScript reference GEMM runs instead.
import type { Kernel } from "../backend.js";
import { allocUninit, type AnyTypedArray } from "../dtype.js";
import { makeGemm, type GemmBlock } from "./_gemmKernel.js";
import { runGemmJob } from "./_gemmPool.js";
import { wasmCall } from "./_wasmCall.js";

type Arr = AnyTypedArray;

/** Below this many multiply-adds (or for a single row or column) the TypeScript reference's packing costs more than it saves. */
const PACKED_MIN_MACS = 4096;
/**
 * Below this many multiply-adds the TypeScript loop beats staging operands into the WebAssembly GEMM. Measured on
 * one thread (µs per product, TypeScript against WebAssembly): 6³ 0.50 against 0.71, 8³ 1.22 against 1.17, 12³
 * 2.95 against 1.14; a row or column vector goes to WebAssembly too (1×784 · 784×256: 259 against 86; 256×784 · 784×1:
 * 672 against 120).
 */
const WASM_MIN_MACS = 512;
/**
 * Products smaller than this many multiply-adds (about 40 µs on one thread) are not worth waking a worker for: a job's
 * fixed cost, waking a worker and waiting for its last block, is of the order of the whole product. Measured
 * interleaved at load 10 on 2 cores (µs, best and median of 30): [256,10]·[10,256] 69/75 on one thread against
 * 95/106 on two, 96³ 64/69 against 79/92, 128³ 135/150 against 151/229.
 */
const PARALLEL_MIN_MACS = 1 << 20;

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

/** The TypeScript reference GEMM: C[m×n] = op(A)[m×k] · op(B)[k×n] at the given offsets (C is overwritten). */
export const gemmReference = (
  A: Float32Array, aOff: number, transA: boolean,
  B: Float32Array, bOff: number, transB: boolean,
  C: Float32Array, cOff: number, m: number, k: number, n: number,
): void => {
  if (m === 1 || n === 1 || m * n * k < PACKED_MIN_MACS) gemmSmall(A, aOff, transA, B, bOff, transB, C, cOff, m, k, n);
  else (packed ??= makeGemm())(A, aOff, transA, B, bOff, transB, C, cOff, m, k, n, 0, m, 0, n);
};

/**
 * C[batch×m×n] = op(A)·op(B) with the WebAssembly kernels (A holds aBatch matrices, B bBatch, 1 = broadcast):
 * operands read in place when resident in the shared arena (else staged into it), computed on every thread when
 * large (`threads: false` keeps it on the calling thread), the result written in place when resident (else copied
 * out). Null where the arena is unavailable or the operands do not fit it.
 */
export const gemmWasm = (
  A: Float32Array, aBatch: number, transA: boolean,
  B: Float32Array, bBatch: number, transB: boolean,
  batch: number, m: number, k: number, n: number, threads = true,
): Float32Array | null => {
  if (bBatch === 1 && aBatch === batch && batch > 1 && !transA) {
    // A batch of [m×k] rows stored one after another times one shared B is a single [batch·m × k] product: B is
    // packed once instead of once per entry, and the rows split across threads like any tall product. Each element
    // is still summed over k in the same order, so results are unchanged.
    m *= batch;
    aBatch = batch = 1;
  }
  const aLen = aBatch * m * k, bLen = bBatch * k * n, cLen = batch * m * n;
  return wasmCall((c) => {
    const aOff = c.operand(A, aLen) / 4, bOff = c.operand(B, bLen) / 4;
    const out = c.result("float32", cLen), cOff = out.ptr / 4;
    const parallel = threads && batch * m * n * k >= PARALLEL_MIN_MACS &&
      runGemmJob(c.arena, aOff, aBatch, transA, bOff, bBatch, transB, cOff, batch, m, k, n, (bytes) => {
        try {
          return c.temp(bytes);
        } catch {
          return null; // the heap is full: the threads split C without the shared packed B
        }
      });
    if (!parallel) {
      const gemm = c.arena.exports.gemm_block, scratch = c.arena.scratch(0);
      for (let i = 0; i < batch; i++)
        gemm((aOff + (aBatch === 1 ? 0 : i * m * k)) * 4, transA ? 1 : 0, (bOff + (bBatch === 1 ? 0 : i * k * n)) * 4, transB ? 1 : 0,
          (cOff + i * m * n) * 4, m, k, n, 0, m, 0, n, scratch);
    }
    return out.finish() as Float32Array;
  });
};

export const matmul: Kernel<Arr, "matmul"> = ([a, b], { transA, transB }, out) => {
  const [ba, ra, ca] = a!.shape as [number, number, number];
  const [bb, rb, cb] = b!.shape as [number, number, number];
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const n = transB ? rb : cb;
  const batch = ba === 1 ? bb : ba; // 1 broadcasts, against 0 too
  const A = a!.data as Float32Array, B = b!.data as Float32Array;
  void out;
  // A broadcast B under a batch of row-major A is one tall product (see gemmWasm), which may be large when each entry is not.
  const rows = bb === 1 && !transA ? batch * m : m;
  const small = rows * n * k < WASM_MIN_MACS;
  const fast = small ? null : gemmWasm(A, ba, transA, B, bb, transB, batch, m, k, n);
  if (fast !== null) return fast;
  const C = allocUninit("float32", batch * m * n) as Float32Array;
  for (let i = 0; i < batch; i++)
    gemmReference(A, ba === 1 ? 0 : i * m * k, transA, B, bb === 1 ? 0 : i * k * n, transB, C, i * m * n, m, k, n);
  return C;
};
