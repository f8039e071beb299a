// Packed, cache-blocked float32 GEMM with a 4×4 register micro-kernel (the GotoBLAS/BLIS loop nest), in plain JS.
//
// `makeGemm` is self-contained on purpose: it references nothing outside its own body, so a worker thread
// can rebuild the very same kernel from `makeGemm.toString()` (see `_gemmPool.ts`).

/**
 * Computes the block C[i0:i1, j0:j1] of C[m×n] = op(A)[m×k] · op(B)[k×n] for row-major float32 operands at the
 * given offsets; `transA` means A is stored [k×m], `transB` that B is stored [n×k]. C's block is overwritten.
 */
export type GemmBlock = (
  A: Float32Array, aOff: number, transA: boolean,
  B: Float32Array, bOff: number, transB: boolean,
  C: Float32Array, cOff: number,
  m: number, k: number, n: number,
  i0: number, i1: number, j0: number, j1: number,
) => void;

/** Builds a GEMM with its own packing buffers (about 1.2 MB), reused across calls. */
export function makeGemm(): GemmBlock {
  // Micro-tile 4×4: 16 float64 accumulators in locals. Larger tiles spill more than they save in V8 (measured).
  // KC×4 doubles of packed B (8 KiB) stay in L1 while the MC×KC block of packed A (128 KiB) streams from L2.
  const MR = 4, NR = 4, KC = 256, MC = 64, NC = 512;
  const Ap = new Float64Array(MC * KC);
  const Bp = new Float64Array(KC * NC);
  const tile = new Float64Array(MR * NR);

  // Ap holds MC×kc of op(A) as row panels of MR: Ap[ir*kc + p*MR + i] = op(A)[ic+ir+i, pc+p]; rows past m are 0.
  function packA(A: Float32Array, aOff: number, transA: boolean, m: number, k: number, ic: number, mc: number, pc: number, kc: number): void {
    let o = 0;
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = Math.min(MR, mc - ir);
      const row = ic + ir;
      if (transA) {
        // stored [k×m]: the MR values of one p are contiguous
        let s = aOff + pc * m + row;
        if (mr === MR)
          for (let p = 0; p < kc; p++, s += m, o += MR) {
            Ap[o] = A[s]!; Ap[o + 1] = A[s + 1]!; Ap[o + 2] = A[s + 2]!; Ap[o + 3] = A[s + 3]!;
          }
        else
          for (let p = 0; p < kc; p++, s += m)
            for (let i = 0; i < MR; i++) Ap[o++] = i < mr ? A[s + i]! : 0;
      } else {
        const s0 = aOff + row * k + pc;
        if (mr === MR) {
          const s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
          for (let p = 0; p < kc; p++, o += MR) {
            Ap[o] = A[s0 + p]!; Ap[o + 1] = A[s1 + p]!; Ap[o + 2] = A[s2 + p]!; Ap[o + 3] = A[s3 + p]!;
          }
        } else
          for (let p = 0; p < kc; p++)
            for (let i = 0; i < MR; i++) Ap[o++] = i < mr ? A[s0 + i * k + p]! : 0;
      }
    }
  }

  // Bp holds kc×nc of op(B) as column panels of NR: Bp[jr*kc + p*NR + j] = op(B)[pc+p, jc+jr+j]; columns past n are 0.
  function packB(B: Float32Array, bOff: number, transB: boolean, k: number, n: number, jc: number, nc: number, pc: number, kc: number): void {
    let o = 0;
    for (let jr = 0; jr < nc; jr += NR) {
      const nr = Math.min(NR, nc - jr);
      const col = jc + jr;
      if (transB) {
        const s0 = bOff + col * k + pc;
        if (nr === NR) {
          const s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
          for (let p = 0; p < kc; p++, o += NR) {
            Bp[o] = B[s0 + p]!; Bp[o + 1] = B[s1 + p]!; Bp[o + 2] = B[s2 + p]!; Bp[o + 3] = B[s3 + p]!;
          }
        } else
          for (let p = 0; p < kc; p++)
            for (let j = 0; j < NR; j++) Bp[o++] = j < nr ? B[s0 + j * k + p]! : 0;
      } else {
        // stored [k×n]: the NR values of one p are contiguous
        let s = bOff + pc * n + col;
        if (nr === NR)
          for (let p = 0; p < kc; p++, s += n, o += NR) {
            Bp[o] = B[s]!; Bp[o + 1] = B[s + 1]!; Bp[o + 2] = B[s + 2]!; Bp[o + 3] = B[s + 3]!;
          }
        else
          for (let p = 0; p < kc; p++, s += n)
            for (let j = 0; j < NR; j++) Bp[o++] = j < nr ? B[s + j]! : 0;
      }
    }
  }

  // One MR×NR tile of C (+)= Ap panel · Bp panel over kc. The `| 0` keeps index arithmetic in int32 (no overflow checks).
  // Zero products are not skipped, so NaN and Inf propagate exactly as in the naive loop.
  function micro(kc: number, ai: number, bi: number, C: Float32Array, co: number, ldc: number, mr: number, nr: number, first: boolean): void {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
    let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
    for (let p = 0; p < kc; p++) {
      const a0 = Ap[ai]!, a1 = Ap[(ai + 1) | 0]!, a2 = Ap[(ai + 2) | 0]!, a3 = Ap[(ai + 3) | 0]!;
      let b = Bp[bi]!;
      c00 += a0 * b; c10 += a1 * b; c20 += a2 * b; c30 += a3 * b;
      b = Bp[(bi + 1) | 0]!;
      c01 += a0 * b; c11 += a1 * b; c21 += a2 * b; c31 += a3 * b;
      b = Bp[(bi + 2) | 0]!;
      c02 += a0 * b; c12 += a1 * b; c22 += a2 * b; c32 += a3 * b;
      b = Bp[(bi + 3) | 0]!;
      c03 += a0 * b; c13 += a1 * b; c23 += a2 * b; c33 += a3 * b;
      ai = (ai + 4) | 0;
      bi = (bi + 4) | 0;
    }
    if (mr === MR && nr === NR) {
      const r0 = co, r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
      if (first) {
        C[r0] = c00; C[r0 + 1] = c01; C[r0 + 2] = c02; C[r0 + 3] = c03;
        C[r1] = c10; C[r1 + 1] = c11; C[r1 + 2] = c12; C[r1 + 3] = c13;
        C[r2] = c20; C[r2 + 1] = c21; C[r2 + 2] = c22; C[r2 + 3] = c23;
        C[r3] = c30; C[r3 + 1] = c31; C[r3 + 2] = c32; C[r3 + 3] = c33;
      } else {
        C[r0] += c00; C[r0 + 1] += c01; C[r0 + 2] += c02; C[r0 + 3] += c03;
        C[r1] += c10; C[r1 + 1] += c11; C[r1 + 2] += c12; C[r1 + 3] += c13;
        C[r2] += c20; C[r2 + 1] += c21; C[r2 + 2] += c22; C[r2 + 3] += c23;
        C[r3] += c30; C[r3 + 1] += c31; C[r3 + 2] += c32; C[r3 + 3] += c33;
      }
      return;
    }
    // edge tile: only mr×nr of it is real
    tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
    tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
    tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
    tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
    for (let i = 0; i < mr; i++)
      for (let j = 0; j < nr; j++) {
        const o = co + i * ldc + j;
        C[o] = first ? tile[i * NR + j]! : C[o]! + tile[i * NR + j]!;
      }
  }

  return function gemmBlock(A, aOff, transA, B, bOff, transB, C, cOff, m, k, n, i0, i1, j0, j1) {
    if (k === 0) {
      for (let i = i0; i < i1; i++) C.fill(0, cOff + i * n + j0, cOff + i * n + j1);
      return;
    }
    for (let jc = j0; jc < j1; jc += NC) {
      const nc = Math.min(NC, j1 - jc);
      // partial sums over k blocks are added into C in float32, as sgemm does; within a block they are float64
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        packB(B, bOff, transB, k, n, jc, nc, pc, kc);
        for (let ic = i0; ic < i1; ic += MC) {
          const mc = Math.min(MC, i1 - ic);
          packA(A, aOff, transA, m, k, ic, mc, pc, kc);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = Math.min(NR, nc - jr);
            for (let ir = 0; ir < mc; ir += MR)
              micro(kc, ir * kc, jr * kc, C, cOff + (ic + ir) * n + jc + jr, n, Math.min(MR, mc - ir), nr, pc === 0);
          }
        }
      }
    }
  };
}
