// Worker threads for the WebAssembly kernels (GEMM, im2col, col2im, unary, binary/where, pooling) on the shared arena, driven synchronously
// with Atomics.wait/notify (Node only).
//
// Every worker instantiates the kernels module on the arena's shared memory, so operands staged once by the
// caller are read by all threads without copies. The caller publishes a job (a grid of output blocks), claims
// blocks alongside the workers, and waits until all are done. Blocks are claimed dynamically, so a worker that is
// slow to wake (or never starts) only means the caller does more of the work itself. Workers are unref()ed and idle
// in Atomics.wait, so they never keep the process alive. Where worker_threads is missing (browsers, Node < 20.16)
// or a worker fails, `runGemmJob` returns false and the caller computes every block itself.
import type { Arena, KernelExports } from "./_wasmArena.js";
import { nextMachineLoad, sampleOthersRunning, type MachineLoad } from "./_machineLoad.js";

/**
 * The job protocol shared by the caller and the workers. It references nothing outside its body, because workers
 * rebuild it from its source text.
 */
function gemmProtocol() {
  // Control words (Int32Array over a SharedArrayBuffer).
  const SEQ = 0; //  job number; bumped and notified to wake the workers
  const NEXT = 1; // claim word: (job tag << 16) | index of the next block
  const DONE = 2; // blocks finished in the current job (notified on)
  const ERR = 3; //  set when a block threw
  const JOB = 4; //  the job the parameters belong to; -1 while they are being written (a seqlock)
  const P = 5; //    parameters: kind, blocks, then the kind's own (see workBlocks)
  const NP = 20;
  const GEMM = 0, UNFOLD = 1, FOLD = 2, UNARY = 3; // job kinds
  const CONV = 4; // convolution blocks (conv.c): which, desc
  const BINARY = 5; // binary ops and where (elementwise.c): desc, n, per
  const GEMM_ROWS = 6; // GEMM with op(B) packed once: first the slabs of B, then row blocks of C (see workBlocks)
  const PACKED = P + NP; // GEMM_ROWS: slabs of B packed so far (notified on)
  const PACK_WAIT_MS = 10_000; // a thread waiting this long for B's slabs gives up its block (a failed worker)
  const POOL = 7; // max pooling, row-wise gather and scatterAdd (pool.c): desc
  const WINOGRAD = 8; // Winograd transform blocks (winograd.c): desc
  const WORDS = 32;
  const TAG_SHIFT = 16; // block indices stay below 2^16
  const TAG_MASK = 0x7fff; // job tags wrap at 2^15 so the claim word stays a non-negative int32

  /**
   * Rows (or columns) per block when `dim` is cut into `parts` blocks, a multiple of the micro-tile's side along it
   * (kernels.c's MR = 5 rows, NR = 8 columns), so that only the last block has a partial tile.
   */
  const blockStep = (dim: number, parts: number, tile: number): number => Math.ceil(Math.ceil(dim / parts) / tile) * tile;
  const MR = 5, NR = 8;

  /** Computes blocks of job `job` until none is left to claim (the same code runs in every thread); returns how many. */
  function workBlocks(ctl: Int32Array, x: KernelExports, scratch: number, job: number): number {
    let did = 0;
    if (Atomics.load(ctl, JOB) !== job) return did;
    const q: number[] = [];
    for (let i = 0; i < NP; i++) q.push(Atomics.load(ctl, P + i));
    // Parameters rewritten while we read them mean this job is over: take no block.
    if (Atomics.load(ctl, JOB) !== job) return did;
    const kind = q[0]!, blocks = q[1]!;
    const tag = job & TAG_MASK;
    for (;;) {
      const cur = Atomics.load(ctl, NEXT);
      const idx = cur & ((1 << TAG_SHIFT) - 1);
      if (cur >>> TAG_SHIFT !== tag || idx >= blocks) return did;
      if (Atomics.compareExchange(ctl, NEXT, cur, cur + 1) !== cur) continue;
      if (Atomics.load(ctl, JOB) !== job) {
        // A thread paused for 2^15 jobs claimed a block of a newer job with the same tag: fail that job safely.
        Atomics.store(ctl, ERR, 1);
        Atomics.add(ctl, DONE, 1);
        Atomics.notify(ctl, DONE);
        return did;
      }
      try {
        if (kind === GEMM) {
          // m k n transA transB pm pn aOff aStride bOff bStride cOff (float offsets): one of the pm × pn blocks of
          // one batch entry's C
          const [, , m, k, n, transA, transB, pm, pn, aOff, aStride, bOff, bStride, cOff] = q as
            [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
          const bi = Math.floor(idx / (pm * pn)), r = idx - bi * pm * pn, im = Math.floor(r / pn), jn = r - im * pn;
          const sm = blockStep(m, pm, MR), sn = blockStep(n, pn, NR);
          const i0 = Math.min(m, im * sm), j0 = Math.min(n, jn * sn);
          x.gemm_block(
            (aOff + bi * aStride) * 4, transA, (bOff + bi * bStride) * 4, transB, (cOff + bi * m * n) * 4,
            m, k, n, i0, Math.min(m, i0 + sm), j0, Math.min(n, j0 + sn), scratch,
          );
        } else if (kind === GEMM_ROWS) {
          // m k n transA transB slabs slabCols rowStep a b c bp (byte pointers): blocks [0, slabs) pack columns
          // [idx·slabCols, +slabCols) of op(B) into bp; the rest compute rows [r·rowStep, +rowStep) of C once every
          // slab is packed (slabs are claimed first, so the wait is for slabs already in progress)
          const m = q[2]!, k = q[3]!, n = q[4]!, slabs = q[7]!;
          if (idx < slabs) {
            try {
              const j0 = idx * q[8]!;
              x.gemm_pack_b_slab(q[11]!, q[6]!, k, n, j0, Math.min(n, j0 + q[8]!), q[13]!);
            } finally {
              Atomics.add(ctl, PACKED, 1);
              Atomics.notify(ctl, PACKED);
            }
          } else {
            const since = performance.now();
            for (let p = Atomics.load(ctl, PACKED); p < slabs; p = Atomics.load(ctl, PACKED)) {
              // once a block has failed (a wait timed out before), the job is lost: give up at once
              if (Atomics.load(ctl, ERR) !== 0 || performance.now() - since > PACK_WAIT_MS) throw new Error("gemm: slabs of B never packed");
              Atomics.wait(ctl, PACKED, p, 100);
            }
            const i0 = (idx - slabs) * q[9]!;
            x.gemm_rows_packed_b(q[10]!, q[5]!, q[13]!, q[12]!, m, k, n, i0, Math.min(m, i0 + q[9]!), scratch);
          }
        } else if (kind === UNFOLD || kind === FOLD) {
          // src dst planes h w kh kw sh sw dh dw pt pl oh ow valueBits per (byte pointers): a run of `per` planes
          const [, , src, dst, planes, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, bits, per] = q as
            [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
          const lo = idx * per, cnt = Math.min(per, planes - lo);
          const cols = lo * kh * kw * oh * ow * 4, img = lo * h * w * 4;
          if (kind === UNFOLD)
            x.unfold(src + img, dst + cols, cnt, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, new Float32Array(new Int32Array([bits]).buffer)[0]!);
          else x.fold(src + cols, dst + img, cnt, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow);
        } else if (kind === CONV) {
          // which (0 forward, 1 input gradient, 2 weight gradient) desc (byte pointer): the block's samples
          x.conv_block(q[2]!, q[3]!, idx, scratch);
        } else if (kind === POOL) {
          // desc (byte pointer): the block's planes or rows
          x.pool_block(q[2]!, idx);
        } else if (kind === WINOGRAD) {
          // desc (byte pointer): the block's planes
          x.wino_block(q[2]!, idx, scratch);
        } else if (kind === BINARY) {
          // desc (byte pointer) n per: output elements [idx·per, idx·per + per)
          const lo = idx * q[4]!;
          x.elementwise(q[2]!, lo, Math.min(q[3]!, lo + q[4]!));
        } else {
          // op src dst n per (byte pointers): a run of `per` elements
          const [, , op, src, dst, n, per] = q as [number, number, number, number, number, number, number];
          const lo = idx * per;
          x.unary(op, src + lo * 4, dst + lo * 4, Math.min(per, n - lo));
        }
      } catch {
        Atomics.store(ctl, ERR, 1);
      }
      did++;
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  }

  /** A worker's life: sleep until a job is published, work, repeat. */
  function workerLoop(ctl: Int32Array, x: KernelExports, scratch: number): void {
    let seen = Atomics.load(ctl, SEQ);
    for (;;) {
      Atomics.wait(ctl, SEQ, seen);
      seen = Atomics.load(ctl, SEQ);
      workBlocks(ctl, x, scratch, seen);
    }
  }

  return { SEQ, NEXT, DONE, ERR, JOB, P, PACKED, WORDS, TAG_SHIFT, TAG_MASK, GEMM, GEMM_ROWS, UNFOLD, FOLD, UNARY, CONV, BINARY, POOL, WINOGRAD, MR, NR, blockStep, workBlocks, workerLoop };
}

const proto = gemmProtocol();

/** Give up on the workers when no block finishes for this long (a worker that died mid-block), plus 1 ms per
 * million multiply-adds in a block (far slower than this kernel on one core). */
const STALL_MS = 10_000;

interface Pool {
  readonly ctl: Int32Array;
  readonly workers: number;
  job: number;
  broken: boolean;
  /** Blocks computed by workers rather than the caller, since the start (for tests and benchmarks). */
  workerBlocks: number;
  /** Products computed with op(B) packed once for every thread, since the start (for tests). */
  packedBJobs: number;
}

let pool: Pool | null | undefined; // undefined: not started yet; null: unavailable

const startPool = (arena: Arena): Pool | null => {
  const proc = globalThis.process;
  if (typeof proc?.getBuiltinModule !== "function") return null;
  const wt = proc.getBuiltinModule("node:worker_threads");
  if (wt === undefined) return null;
  const workers = arena.threads - 1;
  if (workers < 1) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(proto.WORDS * 4));
  Atomics.store(ctl, proto.JOB, -1);
  // tsx and other esbuild-based loaders wrap functions in `__name(fn, "name")` (keepNames): provide it.
  const source = `"use strict";
const __name = (f) => f;
const { workerData: d } = require("node:worker_threads");
const x = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
(${gemmProtocol.toString()})().workerLoop(new Int32Array(d.ctl), x, d.scratch);`;
  const pl: Pool = { ctl, workers, job: 0, broken: false, workerBlocks: 0, packedBJobs: 0 };
  for (let i = 1; i <= workers; i++) {
    const w = new wt.Worker(source, {
      eval: true,
      workerData: { ctl: ctl.buffer, module: arena.module, memory: arena.memory, scratch: arena.scratch(i) },
    });
    w.unref();
    // Only seen when the event loop runs; a block that throws mid-job is reported through ERR instead.
    w.on("error", () => { pl.broken = true; });
  }
  return pl;
};

/** Writes the parameters of a new job and wakes the workers; returns the job number. */
const publish = (pl: Pool, params: readonly number[]): number => {
  const { ctl } = pl;
  const job = (pl.job = (pl.job + 1) & 0x3fffffff);
  Atomics.store(ctl, proto.JOB, -1);
  for (let i = 0; i < params.length; i++) Atomics.store(ctl, proto.P + i, params[i]!);
  Atomics.store(ctl, proto.DONE, 0);
  Atomics.store(ctl, proto.ERR, 0);
  Atomics.store(ctl, proto.PACKED, 0);
  Atomics.store(ctl, proto.NEXT, (job & proto.TAG_MASK) << proto.TAG_SHIFT);
  Atomics.store(ctl, proto.JOB, job);
  Atomics.store(ctl, proto.SEQ, job);
  Atomics.notify(ctl, proto.SEQ);
  return job;
};

/**
 * By default (no RIVULET_CPU_THREADS) the kernels run on the calling thread alone while other work keeps the machine's
 * cores busy (_machineLoad.ts: other runnable threads from /proc/loadavg, smoothed over a few seconds, sampled at most
 * every LOAD_SAMPLE_MS). Where /proc/loadavg is absent the 1-minute load average decides, as before: overloaded from
 * 1.5 runnable threads per core, rivulet's own included (checked every 250 ms; where the OS reports no load average,
 * as on Windows, never).
 */
const LOAD_SAMPLE_MS = 50;
const LOADAVG_PER_CORE = 1.5;
const LOADAVG_CHECK_MS = 250;
let loadProbe: (() => number) | null = null;
let load: MachineLoad | null = null;
let loadavgCheckedAt = -Infinity;
let loadavgOverloaded = false;

/**
 * Replaces the sampling of other work's runnable threads (for tests and benchmarks: `() => 0` an idle machine,
 * `() => 1e6` a crowded one) and restarts the estimate from the probe's first answer; null restores /proc/loadavg.
 */
export const setLoadProbe = (probe: (() => number) | null): void => {
  loadProbe = probe;
  load = null;
  loadavgCheckedAt = -Infinity;
};

const machineOverloaded = (threads: number): boolean => {
  if (globalThis.process?.env?.["RIVULET_CPU_THREADS"]) return false; // an explicit thread count is obeyed
  const now = performance.now();
  if (load !== null && now - load.at < LOAD_SAMPLE_MS) return load.overloaded;
  const others = loadProbe ? loadProbe() : sampleOthersRunning();
  if (others !== null) return (load = nextMachineLoad(load, others, now, threads)).overloaded;
  if (now - loadavgCheckedAt >= LOADAVG_CHECK_MS) {
    loadavgCheckedAt = now;
    const os = globalThis.process?.getBuiltinModule?.("node:os");
    loadavgOverloaded = (os?.loadavg()[0] ?? 0) >= LOADAVG_PER_CORE * threads;
  }
  return loadavgOverloaded;
};

/** The pool for this arena, started on first use; null where threads are unavailable or broken, or the machine is busy. */
const getPool = (arena: Arena): Pool | null => {
  if (machineOverloaded(arena.threads)) return null;
  if (pool === undefined) {
    try {
      pool = startPool(arena);
    } catch {
      pool = null; // e.g. the process may not start threads
    }
  }
  return pool === null || pool.broken ? null : pool;
};

/** Publishes a job of `blocks` blocks, works on it alongside the workers and waits; false when the pool failed. */
const runJob = (arena: Arena, pl: Pool, params: readonly number[], blocks: number, macs: number): boolean => {
  const { ctl } = pl;
  const job = publish(pl, params);
  const mine = proto.workBlocks(ctl, arena.exports, arena.scratch(0), job);
  // Wait for the blocks the workers claimed; one that makes no progress for STALL_MS retires the pool.
  const stallMs = STALL_MS + macs / blocks / 1e6;
  let done = Atomics.load(ctl, proto.DONE), last = performance.now();
  while (done < blocks) {
    Atomics.wait(ctl, proto.DONE, done, 100);
    const now = Atomics.load(ctl, proto.DONE);
    if (now !== done) (done = now), (last = performance.now());
    else if (performance.now() - last > stallMs) pl.broken = true;
    if (pl.broken) return false;
  }
  pl.workerBlocks += blocks - mine;
  if (Atomics.load(ctl, proto.ERR) !== 0) {
    pl.broken = true;
    return false;
  }
  return true;
};

/** Which path threaded products take (for tests and measurements): "shared" packs op(B) once for every thread where it can, "grid" never does. */
export type GemmSplit = "shared" | "grid";
let split: GemmSplit = "shared";

/** Selects how threaded products are split (for tests and measurements; both give the same bits); returns the previous choice. */
export const setGemmSplit = (s: GemmSplit): GemmSplit => {
  const was = split;
  split = s;
  return was;
};

/**
 * C[batch×m×n] = op(A) · op(B) on every thread, for operands already staged in the arena at float offsets aOff
 * and bOff (A holds `aBatch` matrices, B `bBatch`, 1 meaning broadcast), the result at cOff. `temp(bytes)` gives a
 * scratch block of the arena for the call (a byte pointer, or null when the heap is full). Returns false, having
 * computed nothing for certain, when threads are unavailable or failed; the caller then runs alone.
 */
export const runGemmJob = (
  arena: Arena,
  aOff: number, aBatch: number, transA: boolean,
  bOff: number, bBatch: number, transB: boolean,
  cOff: number, batch: number, m: number, k: number, n: number,
  temp: (bytes: number) => number | null = () => null,
): boolean => {
  const pl = getPool(arena);
  if (pl === null) return false;
  const threads = pl.workers + 1;
  if (batch === 1 && split === "shared" && k > 0) {
    // One product: op(B) is packed once, in about 2 column slabs per thread, into a shared buffer, then C is cut
    // into about 4 row blocks per thread that each pack only their rows of A, so every operand is packed once
    // (cutting C into a grid of blocks packs 2–9% more than one thread's single pass on training's shapes). Needs
    // at least 2 row blocks per thread, of at least one micro-tile's 5 rows; else the grid below.
    const rowStep = proto.blockStep(m, 4 * threads, proto.MR), rows = Math.ceil(m / rowStep);
    const bp = rows >= 2 * threads ? temp(k * Math.ceil(n / proto.NR) * proto.NR * 4) : null;
    if (bp !== null) {
      const slabCols = proto.blockStep(n, 2 * threads, proto.NR), slabs = Math.ceil(n / slabCols);
      const blocks = slabs + rows;
      pl.packedBJobs++;
      return runJob(arena, pl, [proto.GEMM_ROWS, blocks, m, k, n, transA ? 1 : 0, transB ? 1 : 0, slabs, slabCols, rowStep,
        aOff * 4, bOff * 4, cOff * 4, bp], blocks, m * n * k);
    }
  }
  // About 4 blocks per thread, small enough that a thread the OS preempts holds up little. C is cut into a grid of
  // pm × pn blocks, each at least 32 rows and 32 columns where it is cut; every block packs its rows of A and its
  // columns of B, so the grid is the one that packs least: pn·m·k + pm·k·n floats (8 blocks of 256×256 from
  // [256,784]×[784,256] pack 2×4 = 1.2M floats where 8 column slabs packed 1.8M).
  const want = Math.max(1, Math.ceil((4 * (pl.workers + 1)) / batch));
  let pm = 1, pn = 1, best = Infinity;
  for (let tm = 1; tm <= want; tm++) {
    const tn = Math.ceil(want / tm);
    if ((tm > 1 && m / tm < 32) || (tn > 1 && n / tn < 32)) continue;
    const cost = tn * m * k + tm * k * n;
    if (cost < best) (best = cost), (pm = tm), (pn = tn);
  }
  if (best === Infinity) {
    // too small to cut both ways: along the longer side only, as far as 32 rows or columns allow
    if (n >= m) pn = Math.max(1, Math.min(want, Math.floor(n / 32)));
    else pm = Math.max(1, Math.min(want, Math.floor(m / 32)));
  }
  pm = Math.ceil(m / proto.blockStep(m, pm, proto.MR));
  pn = Math.ceil(n / proto.blockStep(n, pn, proto.NR));
  const blocks = batch * pm * pn;
  if (blocks >= 1 << proto.TAG_SHIFT) return false;
  return runJob(arena, pl, [proto.GEMM, blocks, m, k, n, transA ? 1 : 0, transB ? 1 : 0, pm, pn,
    aOff, aBatch === 1 ? 0 : m * k, bOff, bBatch === 1 ? 0 : k * n, cOff], blocks, batch * m * n * k);
};

/** Blocks per thread for the memory-bound kernels: a few, so that a preempted thread holds up little. */
const BLOCKS_PER_THREAD = 4;

/**
 * im2col (`fold` false) or col2im (`fold` true) over `planes` NCHW planes on every thread, between byte pointers
 * src and dst in the arena (col2im's dst already zeroed): planes are independent, so each block is a run of them.
 * False when threads are unavailable or failed: the caller then runs the kernel alone (re-zeroing col2im's dst).
 */
export const runWindowJob = (
  arena: Arena, fold: boolean, src: number, dst: number, planes: number,
  h: number, w: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
  pt: number, pl: number, oh: number, ow: number, value: number,
): boolean => {
  const pool = getPool(arena);
  if (pool === null || planes < 2) return false;
  const per = Math.ceil(planes / Math.min(planes, BLOCKS_PER_THREAD * (pool.workers + 1)));
  const blocks = Math.ceil(planes / per);
  const bits = new Int32Array(new Float32Array([value]).buffer)[0]!;
  return runJob(arena, pool, [fold ? proto.FOLD : proto.UNFOLD, blocks, src, dst, planes, h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow, bits, per],
    blocks, planes * kh * kw * oh * ow);
};

/** dst = f(src) elementwise over n floats on every thread (op as the `unary` export); false when threads are unavailable. */
export const runUnaryJob = (arena: Arena, op: number, src: number, dst: number, n: number): boolean => {
  const pool = getPool(arena);
  if (pool === null) return false;
  const per = Math.ceil(n / (BLOCKS_PER_THREAD * (pool.workers + 1)) / 4) * 4;
  const blocks = Math.ceil(n / per);
  return runJob(arena, pool, [proto.UNARY, blocks, op, src, dst, n, per], blocks, n);
};

/**
 * The binary op or where described at byte pointer `desc` (elementwise.c) over its n output elements on every
 * thread; false, having computed nothing for certain, when threads are unavailable or failed (the caller then runs
 * it alone). Blocks are whole multiples of 4 elements, so same-shape operands run whole vectors but in the last block.
 */
export const runBinaryJob = (arena: Arena, desc: number, n: number): boolean => {
  const pool = getPool(arena);
  if (pool === null) return false;
  const per = Math.ceil(n / (BLOCKS_PER_THREAD * (pool.workers + 1)) / 4) * 4;
  const blocks = Math.ceil(n / per);
  if (blocks >= 1 << proto.TAG_SHIFT) return false;
  return runJob(arena, pool, [proto.BINARY, blocks, desc, n, per], blocks, n);
};

/**
 * The `blocks` blocks of convolution job `which` (0 forward, 1 input gradient, 2 weight gradient) described at
 * byte pointer `desc` on every thread; false, having computed nothing for certain, when threads are unavailable
 * or failed (the caller then runs every block itself; each block overwrites what it writes).
 */
export const runConvJob = (arena: Arena, which: number, desc: number, blocks: number, macs: number): boolean => {
  const pool = getPool(arena);
  if (pool === null || blocks < 2 || blocks >= 1 << proto.TAG_SHIFT) return false;
  return runJob(arena, pool, [proto.CONV, blocks, which, desc], blocks, macs);
};

/** The state of the thread pool: threads in all (1 when single-threaded), blocks done by workers, products with a shared packed B, failure. */
export const gemmPoolStats = (): { threads: number; workerBlocks: number; packedBJobs: number; broken: boolean } =>
  pool
    ? { threads: pool.workers + 1, workerBlocks: pool.workerBlocks, packedBJobs: pool.packedBJobs, broken: pool.broken }
    : { threads: 1, workerBlocks: 0, packedBJobs: 0, broken: false };

/**
 * The `blocks` blocks of the pooling job described at byte pointer `desc` (pool.c's pool_block) on every thread;
 * false, having computed nothing for certain, when threads are unavailable or failed (the caller then runs every
 * block itself; each block overwrites what it writes).
 */
export const runPoolJob = (arena: Arena, desc: number, blocks: number, work: number): boolean => {
  const pool = getPool(arena);
  if (pool === null || blocks < 2 || blocks >= 1 << proto.TAG_SHIFT) return false;
  return runJob(arena, pool, [proto.POOL, blocks, desc], blocks, work);
};

/** Blocks a pooling job of `n` planes or rows is cut into: a few per thread (1 where threads are unavailable). */
export const poolJobBlocks = (arena: Arena, n: number): number => {
  const pool = getPool(arena);
  return pool === null ? 1 : Math.max(1, Math.min(n, BLOCKS_PER_THREAD * (pool.workers + 1)));
};

/**
 * The `blocks` blocks of the Winograd transform job described at byte pointer `desc` (winograd.c) on every thread;
 * false, having computed nothing for certain, when threads are unavailable or failed (the caller then runs them).
 */
export const runWinogradJob = (arena: Arena, desc: number, blocks: number, work: number): boolean => {
  const pool = getPool(arena);
  if (pool === null || blocks < 2 || blocks >= 1 << proto.TAG_SHIFT) return false;
  return runJob(arena, pool, [proto.WINOGRAD, blocks, desc], blocks, work);
};
