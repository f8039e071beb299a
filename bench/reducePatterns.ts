// ns per input element of the CPU reduce kernel and per output element of the expand kernel, for the shapes of the LeNet
// and GPT training steps: the WebAssembly kernels against the TypeScript references, interleaved in one process, each
// call in a CPU step scope as in training.
// Usage: node --import tsx bench/reducePatterns.ts [--reps=50]
import { reduce, reduceReference } from "../src/ops/cpu/reduce.js";
import { broadcastCopy, broadcastCopyReference } from "../src/ops/cpu/broadcastCopy.js";
import type { ReduceOp } from "../src/ops/primitive.js";
import { beginCpuScope, endCpuScope } from "../src/ops/cpu/_storagePool.js";

const reps = Number(process.argv.find((a) => a.startsWith("--reps="))?.slice(7) ?? 50);
const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const random = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 3);

/**
 * CPU ms per call of f (process CPU time over `reps` calls: on a shared machine it follows the kernel, where wall time
 * follows the other processes; both kernels run on the calling thread alone). Warm-up calls run for 300 ms first (at
 * least 20): V8 runs a WebAssembly function in its baseline compiler (Liftoff, ~3× slower here) until enough calls and
 * loop iterations move it to TurboFan, as happens within the first training steps.
 */
const time = (g: () => unknown): number => {
  // Each call in a CPU step scope, as kernels run in a training step: its output array goes back to the pool for the
  // next call (a fresh multi-megabyte array per call would cost more than most of these kernels).
  const f = () => {
    const frame = beginCpuScope();
    g();
    endCpuScope(frame, new Set());
  };
  const until = performance.now() + 300;
  for (let i = 0; i < 20 || performance.now() < until; i++) f();
  const c = process.cpuUsage();
  for (let i = 0; i < reps; i++) f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000 / reps;
};

const reduceCases: [ReduceOp, number[], number[], string][] = [
  ["sum", [16, 64, 128], [2], "gpt layer-norm rows"],
  ["sum", [16, 64, 512], [0, 1], "gpt bias gradient"],
  ["max", [16, 4, 64, 64], [3], "gpt softmax max"],
  ["sum", [16, 4, 64, 64], [3], "gpt softmax sum"],
  ["sum", [1024, 1024], [1], "rows of 1024"],
  ["max", [1024, 1024], [1], "row max of 1024"],
  ["sum", [1024, 1024], [0], "columns of 1024"],
  ["sum", [21504, 2, 14, 2], [1, 3], "lenet avg-pool 2×2"],
  ["sum", [256, 6, 28, 28], [0, 2, 3], "lenet bias gradient"],
];
console.log(`reduce (ns per input element; CPU time, mean of ${reps})`);
for (const [op, shape, axes, what] of reduceCases) {
  const x = { data: random(numel(shape)), shape, dtype: "float32" as const };
  const out = { shape: shape.map((d, i) => (axes.includes(i) ? 1 : d)), dtype: "float32" as const };
  const ref = time(() => reduceReference([x], { op, axes }, out));
  const wasm = time(() => reduce([x], { op, axes }, out));
  const ns = (ms: number) => ((ms * 1e6) / x.data.length).toFixed(2).padStart(6);
  console.log(`  ${op} [${shape}] axes [${axes}]`.padEnd(40), `${what.padEnd(22)} reference ${ns(ref)}  wasm ${ns(wasm)}  ×${(ref / wasm).toFixed(1)}`);
}

const expandCases: [number[], number[], string][] = [
  [[256, 6, 14, 1, 14, 1], [256, 6, 14, 2, 14, 2], "lenet avg-pool backward"],
  [[1, 128], [1024, 128], "gpt bias rows"],
  [[1, 1, 64, 64], [16, 4, 64, 64], "gpt causal mask"],
  [[1024, 1], [1024, 128], "last axis broadcast"],
  [[256, 6, 1, 1], [256, 6, 28, 28], "lenet bias grad"],
];
console.log(`expand (ns per output element; CPU time, mean of ${reps})`);
for (const [xShape, shape, what] of expandCases) {
  const x = random(numel(xShape));
  const o = new Float32Array(numel(shape));
  const ref = time(() => broadcastCopyReference(x, xShape, shape, o));
  const wasm = time(() => broadcastCopy(x, xShape, shape, o));
  const ns = (ms: number) => ((ms * 1e6) / o.length).toFixed(2).padStart(6);
  console.log(`  [${xShape}] → [${shape}]`.padEnd(44), `${what.padEnd(24)} reference ${ns(ref)}  wasm ${ns(wasm)}  ×${(ref / wasm).toFixed(1)}`);
}
