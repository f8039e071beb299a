// The CPU matmul kernel (packed, blocked, threaded when large) against a float64 reference, and matmul's gradients.
import { describe, expect, it } from "vitest";
import { grad, matmul, tensor, type Tensor } from "../../../src/index.js";
import { applyPrim } from "../../../src/ops/apply.js";
import { gemmWasm, matmul as matmulKernel } from "../../../src/ops/cpu/matmul.js";
import { gemmPoolStats, setGemmSplit, setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { availableParallelism } from "node:os";
import { seededSigned } from "../../_fuzz.js";

// Deterministic uniform floats in [-1, 1) (mulberry32).
const rng = seededSigned;
const randArray = (n: number, next: () => number) => Float32Array.from({ length: n }, next);

interface Case { ba: number; bb: number; m: number; k: number; n: number; transA: boolean; transB: boolean }

/** Runs the kernel on A [ba, m, k] and B [bb, k, n], each stored transposed in its last two axes when asked. */
const runKernel = (A: Float32Array, B: Float32Array, { ba, bb, m, k, n, transA, transB }: Case) =>
  matmulKernel(
    [
      { data: A, shape: transA ? [ba, k, m] : [ba, m, k], dtype: "float32" },
      { data: B, shape: transB ? [bb, n, k] : [bb, k, n], dtype: "float32" },
    ],
    { transA, transB },
    { shape: [Math.max(ba, bb), m, n], dtype: "float32" },
  ) as Float32Array;

/** float64 reference: the product and, per element, Σ|a·b| (the scale float32 rounding errors are relative to). */
const reference = (A: Float32Array, B: Float32Array, { ba, bb, m, k, n, transA, transB }: Case) => {
  const batch = Math.max(ba, bb);
  const C = new Float64Array(batch * m * n), S = new Float64Array(batch * m * n);
  for (let b = 0; b < batch; b++) {
    const ao = ba === 1 ? 0 : b * m * k, bo = bb === 1 ? 0 : b * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0, abs = 0;
        for (let p = 0; p < k; p++) {
          const x = (transA ? A[ao + p * m + i]! : A[ao + i * k + p]!) * (transB ? B[bo + j * k + p]! : B[bo + p * n + j]!);
          s += x;
          abs += Math.abs(x);
        }
        C[b * m * n + i * n + j] = s;
        S[b * m * n + i * n + j] = abs;
      }
  }
  return { C, S };
};

/** Runs `c` on random operands through `run` (the CPU kernel by default) and checks it against the float64 reference. */
const checkCase = (c: Case, seed: number, run: (A: Float32Array, B: Float32Array, c: Case) => ArrayLike<number> = runKernel) => {
  const next = rng(seed);
  const A = randArray(c.ba * c.m * c.k, next), B = randArray(c.bb * c.k * c.n, next);
  const got = run(A, B, c);
  const { C, S } = reference(A, B, c);
  expect(got.length).toBe(C.length);
  let worst = 0;
  for (let i = 0; i < C.length; i++) worst = Math.max(worst, Math.abs(got[i]! - C[i]!) / (S[i]! + 1e-30));
  // Sums are accumulated in float32 (as sgemm does): the classic bound is about k·2^-24 of Σ|a·b|.
  expect(worst, JSON.stringify(c)).toBeLessThan((c.k + 2) * 2 ** -24);
};

const transposes = [[false, false], [true, false], [false, true], [true, true]] as const;
const odd = [1, 3, 7, 17, 33, 65, 129];

describe("cpu matmul kernel matches a float64 reference", () => {
  // Odd sizes hit every edge of the micro-tiles (4×4 in TypeScript, 5×8 in WebAssembly) and of the cache blocks
  // (k = 300 spans two k blocks).
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 1], [3, 1, 7], [7, 3, 17], [17, 33, 7], [33, 17, 65], [65, 7, 3], [129, 33, 17],
    [5, 300, 9], [33, 65, 129], [129, 129, 65], [16, 16, 16], [4, 4, 4], [70, 300, 130],
  ];
  for (const [transA, transB] of transposes)
    it(`shapes from 1 to 300, transA=${transA} transB=${transB}`, () => {
      let seed = 1;
      for (const [m, k, n] of shapes) checkCase({ ba: 1, bb: 1, m, k, n, transA, transB }, seed++);
    });

  it("random odd shapes", () => {
    const pick = rng(99);
    for (let t = 0; t < 24; t++) {
      const at = (x: number) => odd[Math.floor(((x + 1) / 2) * odd.length)]!;
      const [transA, transB] = transposes[t % 4]!;
      checkCase({ ba: 1, bb: 1, m: at(pick()), k: at(pick()), n: at(pick()), transA, transB }, 100 + t);
    }
  });

  // Convolutions with few output channels: a row panel and a half, edge columns, long k, wide n.
  it("few rows: edge columns, long k, wide n, batches", () => {
    let seed = 600;
    for (const [transA, transB] of transposes)
      for (const m of [2, 4, 5, 6, 8, 9])
        for (const [k, n] of [[25, 97], [300, 25], [784, 6], [40, 513]] as const) checkCase({ ba: 1, bb: 1, m, k, n, transA, transB }, seed++);
    for (const [transA, transB] of transposes) {
      checkCase({ ba: 1, bb: 5, m: 6, k: 25, n: 78, transA, transB }, seed++); // LeNet's first convolution, smaller
      checkCase({ ba: 5, bb: 5, m: 6, k: 78, n: 25, transA, transB }, seed++); // and its weight gradient
      checkCase({ ba: 2, bb: 1, m: 3, k: 129, n: 2100, transA, transB }, seed++); // threaded, split along n
    }
  });

  it("batches, with either operand broadcast", () => {
    let seed = 200;
    for (const [ba, bb] of [[3, 3], [3, 1], [1, 4], [1, 1]] as const)
      for (const [transA, transB] of transposes) {
        checkCase({ ba, bb, m: 17, k: 33, n: 7, transA, transB }, seed++);
        checkCase({ ba, bb, m: 2, k: 5, n: 3, transA, transB }, seed++);
      }
  });

  // Big enough (≥ 2^20 multiply-adds) to be split across worker threads where the machine has several cores.
  for (const [transA, transB] of transposes)
    it(`large products (threaded path), transA=${transA} transB=${transB}`, () => {
      checkCase({ ba: 1, bb: 1, m: 131, k: 129, n: 257, transA, transB }, 300);
      checkCase({ ba: 3, bb: 1, m: 65, k: 70, n: 97, transA, transB }, 301);
      checkCase({ ba: 1, bb: 2, m: 300, k: 33, n: 65, transA, transB }, 302);
    });

  // The worker threads run the WebAssembly kernels: none without them (RIVULET_CPU_WASM=0).
  const wasm = process.env["RIVULET_CPU_WASM"] !== "0";
  it.runIf(wasm && availableParallelism() > 1 && !process.env["RIVULET_CPU_THREADS"])("worker threads take part and stay healthy", async () => {
    setLoadProbe(() => 0); // an idle machine, whatever this one's load (the other test files run beside this one)
    // A worker that is slow to wake leaves its share to the caller, so allow a few products before one claims a block.
    for (let t = 0; t < 40 && gemmPoolStats().workerBlocks === 0; t++) {
      checkCase({ ba: 2, bb: 2, m: 96, k: 128, n: 160, transA: t % 2 === 1, transB: false }, 400 + t);
      await new Promise((r) => setTimeout(r, 5)); // let a failed worker's "error" event arrive
    }
    const stats = gemmPoolStats();
    expect(stats.threads).toBeGreaterThan(1);
    expect(stats.broken).toBe(false);
    expect(stats.workerBlocks).toBeGreaterThan(0);

    // An oversubscribed machine (load ≥ 1.5 per core): the calling thread computes every block, and gets the same result.
    setLoadProbe(() => 1.5 * stats.threads);
    const before = gemmPoolStats().workerBlocks;
    for (let t = 0; t < 5; t++) checkCase({ ba: 2, bb: 2, m: 96, k: 128, n: 160, transA: false, transB: t % 2 === 1 }, 450 + t);
    expect(gemmPoolStats().workerBlocks).toBe(before);
    setLoadProbe(null);
  });

  it.runIf(wasm)("threaded results are bit-identical to the single-threaded GEMM (deterministic whatever the split)", () => {
    const c: Case = { ba: 2, bb: 1, m: 150, k: 300, n: 97, transA: true, transB: true };
    const next = rng(500);
    const A = randArray(c.ba * c.m * c.k, next), B = randArray(c.k * c.n, next);
    setLoadProbe(() => 0); // threads even on a loaded machine
    const got = runKernel(A, B, c);
    setLoadProbe(null);
    const want = gemmWasm(A, 2, true, B, 1, true, 2, c.m, c.k, c.n, false);
    expect(want).not.toBeNull();
    expect(Array.from(got)).toEqual(Array.from(want!));
  });

  it("K = 0 gives zeros, and empty outputs are empty", () => {
    for (const [transA, transB] of transposes) {
      expect(Array.from(runKernel(new Float32Array(0), new Float32Array(0), { ba: 2, bb: 1, m: 3, k: 0, n: 5, transA, transB }))).toEqual(new Array(30).fill(0));
      expect(Array.from(runKernel(new Float32Array(0), new Float32Array(0), { ba: 1, bb: 1, m: 40, k: 0, n: 40, transA, transB }))).toEqual(new Array(1600).fill(0));
      expect(runKernel(new Float32Array(0), randArray(12, rng(1)), { ba: 1, bb: 1, m: 0, k: 3, n: 4, transA, transB }).length).toBe(0);
    }
  });

  it("propagates NaN and Inf (0·Inf = NaN; zeros are not skipped)", () => {
    for (const [m, k, n] of [[5, 8, 6], [6, 40, 50], [37, 40, 38], [160, 163, 161]]) // small path, packed with a few rows, packed, threaded
      for (const [transA, transB] of transposes) {
        const next = rng(m);
        const A = randArray(m * k, next), B = randArray(k * n, next);
        const at = (i: number, p: number) => (transA ? p * m + i : i * k + p);
        const bt = (p: number, j: number) => (transB ? j * k + p : p * n + j);
        A[at(1, 2)] = NaN; // row 1 of C is all NaN
        A[at(3, 0)] = Infinity; // row 3 is ±Inf, except NaN where B[0, j] = 0
        B[bt(0, 2)] = 0;
        const C = runKernel(A, B, { ba: 1, bb: 1, m, k, n, transA, transB });
        for (let j = 0; j < n; j++) {
          expect(C[n + j]).toBeNaN();
          if (j === 2) expect(C[3 * n + j]).toBeNaN();
          else expect(Math.abs(C[3 * n + j]!)).toBe(Infinity);
          expect(Number.isFinite(C[j]!)).toBe(true);
        }
      }
  });
});

// The WebAssembly GEMM called directly (the kernel sends small products to TypeScript): every edge of its 5×8
// micro-tile, the broadcast-B batch folded into one tall product, and results independent of the thread count.
describe.runIf(process.env["RIVULET_CPU_WASM"] !== "0")("wasm GEMM: micro-tile edges, folded batches, thread count", () => {
  /** gemmWasm on one thread and on every thread (an idle machine assumed); both must be bit-identical. */
  const both = (A: Float32Array, B: Float32Array, c: Case): Float32Array => {
    const batch = Math.max(c.ba, c.bb);
    const one = gemmWasm(A, c.ba, c.transA, B, c.bb, c.transB, batch, c.m, c.k, c.n, false);
    setLoadProbe(() => 0);
    const all = gemmWasm(A, c.ba, c.transA, B, c.bb, c.transB, batch, c.m, c.k, c.n, true);
    setLoadProbe(null);
    expect(one).not.toBeNull();
    expect(all).not.toBeNull();
    expect(Array.from(all!), JSON.stringify(c)).toEqual(Array.from(one!));
    return one!;
  };
  const checkWasm = (c: Case, seed: number) => checkCase(c, seed, both);


  // m around MR = 5 (and 2·MR), n around NR = 8 (and 2·NR), k from 1 up, every transpose.
  for (const [transA, transB] of transposes)
    it(`m, n, k = 1, MR±1, NR±1 and odd, transA=${transA} transB=${transB}`, () => {
      let seed = 700;
      for (const m of [1, 4, 5, 6, 9, 10, 11])
        for (const n of [1, 7, 8, 9, 15, 16, 17])
          for (const k of [1, 3, 5, 8]) checkWasm({ ba: 1, bb: 1, m, k, n, transA, transB }, seed++);
      for (const [m, k, n] of [[11, 257, 17], [131, 3, 9], [6, 513, 130], [129, 65, 1]] as const) checkWasm({ ba: 1, bb: 1, m, k, n, transA, transB }, seed++);
    });

  // A is read in place instead of packed when at most 4096 floats in one k block (k ≤ 256), or row-major with n ≤ 64.
  // Against float64 at the edges of that rule (m·k = 4096 and 4097, k = 256 and 257, n = 64 and 65), both layouts,
  // with partial row panels (m % 5).
  for (const transA of [false, true])
    it(`A read in place: m·k, k and n at the edges of the rule, transA=${transA}`, () => {
      let seed = 760;
      for (const [m, k, n] of [[16, 256, 9], [64, 64, 33], [17, 241, 8], [4097, 1, 3], [1, 4096, 5], [16, 257, 12], [33, 124, 17], [6, 7, 40], [41, 600, 64], [41, 600, 65]] as const)
        for (const transB of [false, true]) checkWasm({ ba: 1, bb: 1, m, k, n, transA, transB }, seed++);
    });

  // Large enough for the worker threads, split along m (m > n) and along n, with partial tiles at the ends.
  for (const [transA, transB] of transposes)
    it(`threaded splits along m and n agree with one thread, transA=${transA} transB=${transB}`, () => {
      checkWasm({ ba: 1, bb: 1, m: 333, k: 100, n: 41, transA, transB }, 800);
      checkWasm({ ba: 1, bb: 1, m: 37, k: 100, n: 331, transA, transB }, 801);
      checkWasm({ ba: 64, bb: 64, m: 17, k: 57, n: 19, transA, transB }, 802); // many small products: one block each
      checkWasm({ ba: 1, bb: 1, m: 203, k: 21, n: 261, transA, transB }, 803); // a grid of blocks both ways
    });

  // One threaded product is split two ways: op(B) packed once into a shared buffer (in column slabs) and C cut into
  // row blocks that each pack their rows of A (the default), or a grid of blocks each packing both (taken when there
  // are too few rows for 2 row blocks per thread). Both must give one thread's bits: k = 1, k past one and two k
  // blocks, n below one 8-column panel and odd, m at the edge of the row-block rule, every transpose.
  for (const [transA, transB] of transposes)
    it(`threaded products with op(B) packed once, and on the grid, agree with one thread, transA=${transA} transB=${transB}`, () => {
      let seed = 820;
      // (one thread's GEMM is checked against float64 above; here only the bits of the threaded splits)
      for (const [m, k, n] of [[1024, 1, 1024], [4096, 256, 1], [2048, 129, 4], [20, 257, 205], [19, 513, 111], [9, 300, 400], [131, 1000, 9], [333, 100, 41], [32, 128, 256]] as const)
        for (const split of ["shared", "grid"] as const) {
          const next = rng(seed++);
          const A = randArray(m * k, next), B = randArray(k * n, next);
          const one = gemmWasm(A, 1, transA, B, 1, transB, 1, m, k, n, false)!;
          const was = setGemmSplit(split);
          setLoadProbe(() => 0);
          const before = gemmPoolStats().packedBJobs;
          const all = gemmWasm(A, 1, transA, B, 1, transB, 1, m, k, n, true)!;
          setLoadProbe(null);
          setGemmSplit(was);
          // bit for bit (a loop: toEqual on a million elements takes seconds)
          const u = new Uint32Array(one.buffer, one.byteOffset, one.length), v = new Uint32Array(all.buffer, all.byteOffset, all.length);
          let differ = 0;
          for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) differ++;
          expect(differ, `${split} ${m}×${k}×${n}`).toBe(0);
          // the shared path needs threads and 2 row blocks (of ≥ 5 rows) per thread: not m = 9 on 2 threads
          const { threads } = gemmPoolStats();
          const rows = Math.ceil(m / (Math.ceil(Math.ceil(m / (4 * threads)) / 5) * 5));
          const shared = split === "shared" && threads > 1 && !process.env["RIVULET_CPU_THREADS"] && rows >= 2 * threads;
          expect(gemmPoolStats().packedBJobs - before, `${split} ${m}×${k}×${n}`).toBe(shared ? 1 : 0);
        }
    });

  // Threaded batched products: batches of both,
  // a shared B, a shared A, attention-sized entries.
  for (const [transA, transB] of transposes)
    it(`threaded batches agree with one thread, transA=${transA} transB=${transB}`, () => {
      let seed = 850;
      for (const [ba, bb, m, k, n] of [
        [10, 10, 64, 64, 64],
        [6, 6, 33, 130, 65],
        [5, 1, 31, 177, 45], // a shared B (folded into one tall product unless A is stored transposed)
        [1, 9, 29, 70, 83], // a shared A
        [64, 64, 64, 32, 64], // attention: 64 products of [64,32]·[32,64]
      ] as const)
        checkWasm({ ba, bb, m, k, n, transA, transB }, seed++);
    });

  it("a shared B under a batch of row-major A is one tall product: bit-identical to the entries one by one", () => {
    let seed = 900;
    for (const transB of [false, true])
      for (const [batch, m, k, n] of [[3, 5, 40, 17], [16, 1, 64, 50], [7, 13, 300, 9], [2, 160, 100, 130]] as const) {
        const c: Case = { ba: batch, bb: 1, m, k, n, transA: false, transB };
        const next = rng(seed++);
        const A = randArray(batch * m * k, next), B = randArray(k * n, next);
        const got = both(A, B, c);
        for (let b = 0; b < batch; b++) {
          const one = gemmWasm(A.subarray(b * m * k), 1, false, B, 1, transB, 1, m, k, n, false)!;
          expect(Array.from(got.subarray(b * m * n, (b + 1) * m * n))).toEqual(Array.from(one));
        }
        checkWasm(c, seed++);
        checkWasm({ ...c, transA: true }, seed++); // stored transposed: rows are not contiguous, so no folding
      }
  });

  it("batch 0 and k = 0", () => {
    expect(gemmWasm(new Float32Array(0), 0, false, new Float32Array(0), 0, false, 0, 5, 7, 9)!.length).toBe(0);
    expect(gemmWasm(new Float32Array(0), 0, false, new Float32Array(63), 1, false, 0, 5, 7, 9)!.length).toBe(0);
    for (const [transA, transB] of transposes) {
      const c: Case = { ba: 3, bb: 1, m: 6, k: 0, n: 9, transA, transB };
      expect(Array.from(both(new Float32Array(0), new Float32Array(0), c))).toEqual(new Array(162).fill(0));
    }
    const empty = runKernel(new Float32Array(0), randArray(12, rng(2)), { ba: 0, bb: 1, m: 5, k: 3, n: 4, transA: false, transB: false });
    expect(empty.length).toBe(0);
    // through the public op: a batch of 0 broadcast against a batch of 1, either way round, and its gradient
    expect(matmul(tensor(new Float32Array(0), { shape: [0, 5, 3] }), tensor(new Float32Array(12), { shape: [3, 4] })).shape).toEqual([0, 5, 4]);
    expect(matmul(tensor(new Float32Array(15), { shape: [5, 3] }), tensor(new Float32Array(0), { shape: [0, 3, 4] })).shape).toEqual([0, 5, 4]);
    const b = tensor(Float32Array.from({ length: 12 }, (_, i) => i), { shape: [3, 4] });
    const db = grad((w: Tensor) => matmul(tensor(new Float32Array(0), { shape: [0, 5, 3] }), w).sum())(b);
    expect(db.shape).toEqual([3, 4]);
    expect(Array.from(db.dataSync())).toEqual(new Array(12).fill(0));
  });
});

describe("matmul gradients", () => {
  const data = (shape: number[], seed: number) => {
    const next = rng(seed);
    return tensor(randArray(shape.reduce((a, b) => a * b, 1), next), { shape });
  };
  /** dA and dB of Σ (op(A)·op(B) ∘ G) in float64, for A [bsz, m, k] and one B [k, n] shared by the batch (each optionally stored transposed). */
  const sharedBGrads = (a: Tensor, b: Tensor, c: Tensor, bsz: number, m: number, k: number, n: number, transA: boolean, transB: boolean) => {
    const A = a.dataSync(), B = b.dataSync(), G = c.dataSync();
    const wantA = new Float64Array(bsz * m * k), wantB = new Float64Array(k * n);
    for (let s = 0; s < bsz; s++)
      for (let i = 0; i < m; i++)
        for (let p = 0; p < k; p++)
          for (let j = 0; j < n; j++) {
            const g = G[s * m * n + i * n + j]!;
            const ai = s * m * k + (transA ? p * m + i : i * k + p), bi = transB ? j * k + p : p * n + j;
            wantA[ai] += g * B[bi]!;
            wantB[bi] += A[ai]! * g;
          }
    return { wantA, wantB };
  };
  const close = (got: Tensor, want: Float64Array, tol: number) => {
    const g = got.dataSync();
    expect(g.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g[i]! - want[i]!));
    expect(worst).toBeLessThan(tol);
  };

  // loss = Σ (A·B ∘ G): dA = G·Bᵀ and dB = Σ_batch Aᵀ·G (B is broadcast over A's batch).
  for (const [bsz, m, k, n] of [[2, 5, 7, 3], [3, 33, 70, 65]] as const)
    it(`grad of matmul(a, b).mul(c).sum() for a [${bsz}, ${m}, ${k}] and b [${k}, ${n}]`, () => {
      const a = data([bsz, m, k], 1), b = data([k, n], 2), c = data([bsz, m, n], 3);
      const { a: da, b: db } = grad((p: { a: Tensor; b: Tensor }) => matmul(p.a, p.b).mul(c).sum())({ a, b });
      const { wantA, wantB } = sharedBGrads(a, b, c, bsz, m, k, n, false, false);
      expect(da.shape).toEqual([bsz, m, k]);
      expect(db.shape).toEqual([k, n]);
      close(da, wantA, 1e-4);
      close(db, wantB, 1e-4);
    });

  // A B shared by a batch of row-major A: its cotangent is one product over the stacked rows (B stored either way);
  // with A stored transposed, a batch of products summed. All against Σ_batch Aᵀ·G in float64.
  for (const [transA, transB] of transposes)
    it(`grad of a shared b through the matmul primitive, transA=${transA} transB=${transB}`, () => {
      const [bsz, m, k, n] = [4, 9, 13, 6];
      const a = data(transA ? [bsz, k, m] : [bsz, m, k], 10), b = data(transB ? [1, n, k] : [1, k, n], 11), c = data([bsz, m, n], 12);
      const { a: da, b: db } = grad((p: { a: Tensor; b: Tensor }) => applyPrim("matmul", [p.a, p.b], { transA, transB }).mul(c).sum())({ a, b });
      const { wantA, wantB } = sharedBGrads(a, b, c, bsz, m, k, n, transA, transB);
      expect(da.shape).toEqual(a.shape);
      expect(db.shape).toEqual(b.shape);
      close(da, wantA, 1e-4);
      close(db, wantB, 1e-4);
    });
});
