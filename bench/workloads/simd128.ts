// simd128-peak: the machine's 128-bit WebAssembly SIMD multiply-add peak in GFLOP/s (independent f32x4 mul+add chains in a
// Wasm loop), on all cores at once (the "rivulet" column) and on one thread (column one-thread). The bar for matmul.
import { availableParallelism } from "node:os";
import type { Task, Workload } from "../workload.js";
import { FLOPS_PER_ITERATION, simd128Gang, simd128Supported } from "../_simd128.js";

/** Loop iterations per run, shared among the threads (2²⁴ · 96 flops: about 30 ms on one idle Zen core). */
const ITERATIONS = 1 << 24;
const threads = availableParallelism();

const gangTask = (n: number): Task | string => {
  if (!simd128Supported()) return "this engine has no WebAssembly SIMD";
  const gang = simd128Gang(n);
  const each = Math.ceil(ITERATIONS / n);
  return { run: async () => void (await gang.run(each)), dispose: () => gang.close() };
};

export const simd128Peak: Workload = {
  name: "simd128-peak",
  unit: "GFLOP/s",
  higherIsBetter: true,
  score: (ms) => (ITERATIONS * FLOPS_PER_ITERATION) / (ms * 1e6),
  group: () =>
    `machine: 128-bit Wasm SIMD multiply-add peak (${FLOPS_PER_ITERATION / 8} independent f32x4 mul+add chains per thread); ` +
    `the rivulet column is all ${threads} threads at once, not rivulet's code`,
  rivulet: async () => gangTask(threads),
  compare: [{ name: "one-thread", task: async () => gangTask(1) }],
};

export const simd128Workloads: readonly Workload[] = [simd128Peak];
