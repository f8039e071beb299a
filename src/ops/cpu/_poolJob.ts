// The descriptor and dispatch of pool.c's block jobs (max pooling, row-wise gather and scatterAdd): on the worker threads when large enough, else on the calling thread.
import type { WindowParams } from "../primitive.js";
import { poolJobBlocks, runPoolJob } from "./_gemmPool.js";
import type { WasmCall } from "./_wasmCall.js";

/** pool.c's kernels. */
export const POOL_2X2 = 0, POOL_ANY = 1, POOL_GATHER = 2, POOL_SCATTER = 3;

// Descriptor words (pool.c's PJ_*): fields, then one bad-index word per block.
const PJ_BAD = 32, MAX_BLOCKS = 64, DESC_WORDS = PJ_BAD + MAX_BLOCKS;

/** One job: byte pointers x, o and aux (indices, or the taps scratch of POOL_ANY), over n planes (h×w → oh×ow) or rows (h: the indexed size, w: the row length). */
export interface PoolJob {
  readonly op: number;
  readonly x: number;
  readonly o: number;
  readonly aux: number;
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly oh?: number;
  readonly ow?: number;
  readonly window?: WindowParams;
}

let parallelOverride: number | null = null;
/** Overrides every pooling job's thread threshold (tests: 0 puts every job on the threads); no argument restores them. */
export const setPoolParallelMin = (n?: number): void => {
  parallelOverride = n ?? null;
};

/**
 * Runs `job` on the worker threads when `work` (elements touched) reaches `parallelMin`, else on the calling thread.
 * Returns the flat position of the first index outside its axis (gather, scatterAdd), or -1.
 */
export const runPool = (c: WasmCall, job: PoolJob, work: number, parallelMin: number): number => {
  const { arena } = c;
  const want = work >= (parallelOverride ?? parallelMin) ? Math.min(MAX_BLOCKS, poolJobBlocks(arena, job.n)) : 1;
  const per = Math.ceil(job.n / want), blocks = Math.ceil(job.n / per);
  const desc = c.temp(DESC_WORDS * 4), d = desc / 4;
  const win = job.window;
  const fields = [job.op, job.x, job.o, job.aux, job.n, per, job.h, job.w, job.oh ?? 0, job.ow ?? 0,
    win?.kernel[0] ?? 0, win?.kernel[1] ?? 0, win?.stride[0] ?? 0, win?.stride[1] ?? 0,
    win?.dilation[0] ?? 0, win?.dilation[1] ?? 0, win?.padding[0] ?? 0, win?.padding[2] ?? 0];
  arena.i32().set(fields, d);
  if (job.op === POOL_ANY) arena.exports.pool_taps(desc);
  if (blocks < 2 || !runPoolJob(arena, desc, blocks, work)) for (let b = 0; b < blocks; b++) arena.exports.pool_block(desc, b);
  if (job.op !== POOL_GATHER && job.op !== POOL_SCATTER) return -1;
  const i32 = arena.i32();
  for (let b = 0; b < blocks; b++) if (i32[d + PJ_BAD + b]! >= 0) return i32[d + PJ_BAD + b]!;
  return -1;
};
