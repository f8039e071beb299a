// Worker threads for large GEMMs, driven synchronously: shared memory plus Atomics.wait/notify (Node only).
//
// The calling thread copies A and B into one SharedArrayBuffer, publishes a job (a grid of output blocks),
// claims blocks alongside the workers, and waits until all are done. Blocks are claimed dynamically, so a worker
// that is slow to wake (or never starts) only means the caller does more of the work itself. Workers are
// unref()ed and idle in Atomics.wait, so they never keep the process alive. Where worker_threads is missing
// (browsers, Node < 20.16) or a worker fails, `parallelGemm` returns false and the caller runs single-threaded.
import type { MessagePort } from "node:worker_threads";
import { makeGemm, type GemmBlock } from "./_gemmKernel.js";

/**
 * The job protocol shared by the caller and the workers. Like `makeGemm` it references nothing outside its body,
 * because workers rebuild it from its source text.
 */
function gemmProtocol() {
  // Control words (Int32Array over a SharedArrayBuffer).
  const SEQ = 0; //  job number; bumped and notified to wake the workers
  const NEXT = 1; // claim word: (job tag << 16) | index of the next block
  const DONE = 2; // blocks finished in the current job (notified on)
  const ERR = 3; //  set when a block threw
  const JOB = 4; //  the job the parameters belong to; -1 while they are being written (a seqlock)
  const P = 5; //    parameters: m k n transA transB blocks parts splitN aOff aStride bOff bStride cOff gen
  const GEN = P + 13;
  const WORDS = 32;
  const TAG_SHIFT = 16; // block indices stay below 2^16
  const TAG_MASK = 0x7fff; // job tags wrap at 2^15 so the claim word stays a non-negative int32

  /** Rows (or columns) per block when `dim` is cut into `parts` blocks, a multiple of the 4×4 micro-tile. */
  const blockStep = (dim: number, parts: number): number => Math.ceil(Math.ceil(dim / parts) / 4) * 4;

  /** Computes blocks of job `job` until none is left to claim (the same code runs in every thread); returns how many. */
  function workBlocks(ctl: Int32Array, data: Float32Array, gemm: GemmBlock, job: number): number {
    let did = 0;
    if (Atomics.load(ctl, JOB) !== job) return did;
    const p: number[] = [];
    for (let i = 0; i < 13; i++) p.push(Atomics.load(ctl, P + i));
    // Parameters rewritten while we read them mean this job is over: take no block.
    if (Atomics.load(ctl, JOB) !== job) return did;
    const [m, k, n, transA, transB, blocks, parts, splitN, aOff, aStride, bOff, bStride, cOff] = p as
      [number, number, number, number, number, number, number, number, number, number, number, number, number];
    const tag = job & TAG_MASK;
    const dim = splitN ? n : m;
    const step = blockStep(dim, parts);
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
      const bi = Math.floor(idx / parts);
      const lo = Math.min(dim, (idx - bi * parts) * step), hi = Math.min(dim, lo + step);
      try {
        gemm(
          data, aOff + bi * aStride, transA === 1, data, bOff + bi * bStride, transB === 1, data, cOff + bi * m * n,
          m, k, n, splitN ? 0 : lo, splitN ? m : hi, splitN ? lo : 0, splitN ? hi : n,
        );
      } catch {
        Atomics.store(ctl, ERR, 1);
      }
      did++;
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  }

  /** A worker's life: sleep until a job is published, take new shared data if any, work, repeat. */
  function workerLoop(ctl: Int32Array, port: MessagePort, receive: (port: MessagePort) => { message: unknown } | undefined, gemm: GemmBlock): void {
    let data: Float32Array = new Float32Array(0), gen = 0, seen = Atomics.load(ctl, SEQ);
    for (;;) {
      Atomics.wait(ctl, SEQ, seen);
      seen = Atomics.load(ctl, SEQ);
      const want = Atomics.load(ctl, GEN);
      // Shared data is posted before the job that uses it; receive it synchronously (this event loop never runs).
      while (gen !== want) {
        const msg = receive(port);
        if (msg === undefined) break;
        const { gen: g, buf } = msg.message as { gen: number; buf: SharedArrayBuffer | null };
        gen = g;
        data = buf === null ? new Float32Array(0) : new Float32Array(buf);
      }
      if (gen === want) workBlocks(ctl, data, gemm, seen);
    }
  }

  return { SEQ, NEXT, DONE, ERR, JOB, P, GEN, WORDS, TAG_SHIFT, TAG_MASK, blockStep, workBlocks, workerLoop };
}

const proto = gemmProtocol();

/** Products smaller than this many multiply-adds are not worth waking a worker for. */
const PARALLEL_MIN_MACS = 1 << 20;
/** The shared buffer never grows past this many floats (256 MiB); larger products run single-threaded. */
const MAX_SHARED_FLOATS = 1 << 26;
/** Shared buffers larger than this many floats (64 MiB) are released after the call that needed them. */
const KEEP_FLOATS = 1 << 24;
/** Give up on the workers when no block finishes for this long (a worker that died mid-block), plus 1 ms per
 * million multiply-adds in a block (5× slower than this kernel on one core). */
const STALL_MS = 10_000;

interface Pool {
  readonly ctl: Int32Array;
  readonly ports: readonly MessagePort[];
  data: Float32Array;
  gen: number;
  job: number;
  broken: boolean;
  /** Blocks computed by workers rather than the caller, since the start (for tests and benchmarks). */
  workerBlocks: number;
}

let pool: Pool | null | undefined; // undefined: not started yet; null: unavailable

/** Threads in all: RIVULET_CPU_THREADS if set (1 turns workers off), else one per core, at most 8. */
const threadCount = (cores: number): number => {
  const env = Number(globalThis.process?.env?.["RIVULET_CPU_THREADS"] || "");
  return Number.isInteger(env) && env >= 1 ? Math.min(env, 64) : Math.min(cores, 8);
};

const startPool = (): Pool | null => {
  const proc = globalThis.process;
  if (typeof proc?.getBuiltinModule !== "function" || typeof SharedArrayBuffer === "undefined") return null;
  const wt = proc.getBuiltinModule("node:worker_threads");
  const os = proc.getBuiltinModule("node:os");
  if (wt === undefined || os === undefined) return null;
  const workers = threadCount(os.availableParallelism()) - 1;
  if (workers < 1) return null;
  const ctl = new Int32Array(new SharedArrayBuffer(proto.WORDS * 4));
  Atomics.store(ctl, proto.JOB, -1);
  // tsx and other esbuild-based loaders wrap functions in `__name(fn, "name")` (keepNames): provide it.
  const source = `"use strict";
const __name = (f) => f;
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
(${gemmProtocol.toString()})().workerLoop(new Int32Array(workerData.ctl), workerData.port, receiveMessageOnPort, (${makeGemm.toString()})());`;
  const ports: MessagePort[] = [];
  const pl: Pool = { ctl, ports, data: new Float32Array(0), gen: 0, job: 0, broken: false, workerBlocks: 0 };
  for (let i = 0; i < workers; i++) {
    const { port1, port2 } = new wt.MessageChannel();
    port1.unref();
    const w = new wt.Worker(source, { eval: true, workerData: { ctl: ctl.buffer, port: port2 }, transferList: [port2] });
    w.unref();
    // Only seen when the event loop runs; a block that throws mid-job is reported through ERR instead.
    w.on("error", () => { pl.broken = true; });
    ports.push(port1);
  }
  return pl;
};

/** Makes `buf` (or nothing) the workers' shared data from the next job on. */
const share = (pl: Pool, buf: SharedArrayBuffer | null): void => {
  pl.gen = (pl.gen + 1) | 0;
  for (const port of pl.ports) port.postMessage({ gen: pl.gen, buf });
};

/** Writes the parameters of a new job and wakes the workers; returns the job number. */
const publish = (pl: Pool, params: readonly number[]): number => {
  const { ctl } = pl;
  const job = (pl.job = (pl.job + 1) & 0x3fffffff);
  Atomics.store(ctl, proto.JOB, -1);
  for (let i = 0; i < params.length; i++) Atomics.store(ctl, proto.P + i, params[i]!);
  Atomics.store(ctl, proto.GEN, pl.gen);
  Atomics.store(ctl, proto.DONE, 0);
  Atomics.store(ctl, proto.ERR, 0);
  Atomics.store(ctl, proto.NEXT, (job & proto.TAG_MASK) << proto.TAG_SHIFT);
  Atomics.store(ctl, proto.JOB, job);
  Atomics.store(ctl, proto.SEQ, job);
  Atomics.notify(ctl, proto.SEQ);
  return job;
};

/**
 * C[batch×m×n] = op(A) · op(B) on every thread, where A (B) holds `aBatch` (`bBatch`) matrices, 1 meaning
 * broadcast; the calling thread does its share with `gemm`. Returns false, leaving C untouched, when threads
 * are unavailable, failed, or not worth it.
 */
export const parallelGemm = (
  gemm: GemmBlock,
  A: Float32Array, aBatch: number, transA: boolean,
  B: Float32Array, bBatch: number, transB: boolean,
  C: Float32Array, batch: number, m: number, k: number, n: number,
): boolean => {
  if (batch * m * n * k < PARALLEL_MIN_MACS) return false;
  if (pool === undefined) {
    try {
      pool = startPool();
    } catch {
      pool = null; // e.g. the process may not start threads
    }
  }
  const pl = pool;
  if (pl === null || pl.broken) return false;
  const aLen = aBatch * m * k, bLen = bBatch * k * n, cLen = batch * m * n;
  const need = aLen + bLen + cLen;
  if (need > MAX_SHARED_FLOATS) return false;

  // About 8 blocks per thread, each at least 32 rows or columns, cut along the longer side of C: small enough
  // that a thread the OS preempts holds up little, large enough that repacking A (or B) per block stays cheap.
  const splitN = n >= m;
  const dim = splitN ? n : m;
  const want = Math.max(1, Math.min(Math.ceil((8 * (pl.ports.length + 1)) / batch), Math.floor(dim / 32)));
  const parts = Math.ceil(dim / proto.blockStep(dim, want));
  const blocks = batch * parts;
  if (blocks >= 1 << proto.TAG_SHIFT) return false;

  if (pl.data.length < need) {
    pl.data = new Float32Array(new SharedArrayBuffer(4 * Math.min(MAX_SHARED_FLOATS, 2 ** Math.ceil(Math.log2(need)))));
    share(pl, pl.data.buffer as SharedArrayBuffer);
  }
  const { data, ctl } = pl;
  data.set(A.length === aLen ? A : A.subarray(0, aLen), 0);
  data.set(B.length === bLen ? B : B.subarray(0, bLen), aLen);
  const job = publish(pl, [m, k, n, transA ? 1 : 0, transB ? 1 : 0, blocks, parts, splitN ? 1 : 0,
    0, aBatch === 1 ? 0 : m * k, aLen, bBatch === 1 ? 0 : k * n, aLen + bLen]);
  const mine = proto.workBlocks(ctl, data, gemm, job);

  // Wait for the blocks the workers claimed; one that makes no progress for STALL_MS retires the pool.
  const stallMs = STALL_MS + (batch * m * n * k) / blocks / 1e6;
  let done = Atomics.load(ctl, proto.DONE), last = performance.now();
  while (done < blocks) {
    Atomics.wait(ctl, proto.DONE, done, 100);
    const now = Atomics.load(ctl, proto.DONE);
    if (now !== done) (done = now), (last = performance.now());
    else if (performance.now() - last > stallMs) pl.broken = true;
    if (pl.broken) return false;
  }
  pl.workerBlocks += blocks - mine;
  const ok = Atomics.load(ctl, proto.ERR) === 0;
  if (ok) C.set(data.subarray(aLen + bLen, aLen + bLen + cLen));
  else pl.broken = true;
  if (data.length > KEEP_FLOATS) {
    // Do not hold a huge buffer between calls: drop ours, and wake the workers with an empty job to drop theirs.
    pl.data = new Float32Array(0);
    share(pl, null);
    publish(pl, [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  }
  return ok;
};

/** The state of the thread pool: threads in all (1 when single-threaded), blocks done by workers, failure. */
export const gemmPoolStats = (): { threads: number; workerBlocks: number; broken: boolean } =>
  pool ? { threads: pool.ports.length + 1, workerBlocks: pool.workerBlocks, broken: pool.broken } : { threads: 1, workerBlocks: 0, broken: false };
