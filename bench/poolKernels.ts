// Times the CPU max pooling kernels (maxPoolIndices, the row-wise gather of its values and the scatterAdd of their
// gradient) at the cifar-train row's shapes (tudui, batch 64) and one padded 3×3 stride-2 pool: the WebAssembly
// kernels against the TypeScript references, alternating in one process (minima), inputs resident in the arena as
// inside a training step. Usage: node --import tsx bench/poolKernels.ts [--reps=30] (RIVULET_CPU_THREADS=1: one thread)
import type { Buf, Kernel } from "../src/ops/backend.js";
import type { AnyTypedArray } from "../src/ops/dtype.js";
import type { Prim, WindowParams } from "../src/ops/primitive.js";
import { allocStorage, beginCpuScope } from "../src/ops/cpu/_storagePool.js";
import { kernelCase, timeKernelCases, type KernelCase } from "./_kernelCases.js";
import { maxPoolIndices, maxPoolIndicesReference } from "../src/ops/cpu/pool.js";
import { gather, gatherReference, scatterAdd, scatterAddReference } from "../src/ops/cpu/indexing.js";
import { windowCount } from "../src/ops/_shape.js";

const reps = Number(process.argv.find((a) => a.startsWith("--reps="))?.slice(7) ?? 30);

type Arr = AnyTypedArray;
// Inputs live in an outer step scope that stays open: resident, as a training step's activations are.
beginCpuScope();
const resident = (dtype: "float32" | "int32", shape: readonly number[], fill: (i: number) => number): Buf<Arr> => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = allocStorage(dtype, n, false);
  for (let i = 0; i < n; i++) data[i] = fill(i);
  return { data, shape, dtype };
};

const c = kernelCase;

const cases: KernelCase<Prim>[] = [];
const pool2: WindowParams = { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [0, 0, 0, 0] };
const pool3: WindowParams = { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], padding: [1, 1, 1, 1] };
for (const [shape, p] of [[[64, 32, 32, 32], pool2], [[64, 32, 16, 16], pool2], [[64, 64, 8, 8], pool2], [[64, 64, 32, 32], pool3]] as const) {
  const [n, ch, h, w] = shape;
  const oh = windowCount(h, p.kernel[0], p.stride[0], 1, p.padding[0], p.padding[1]), ow = windowCount(w, p.kernel[1], p.stride[1], 1, p.padding[2], p.padding[3]);
  const x = resident("float32", shape, () => Math.random() - 0.5);
  const label = `[${shape.join(",")}] ${p.kernel[0]}×${p.kernel[1]}`;
  cases.push(c<"maxPoolIndices">({ name: `maxPoolIndices ${label}`, inputs: [x], params: p, out: { shape: [n, ch, oh, ow], dtype: "int32" }, kernel: maxPoolIndices as Kernel<Arr, "maxPoolIndices">, reference: maxPoolIndicesReference as Kernel<Arr, "maxPoolIndices"> }));
  const idx = resident("int32", [n, ch, oh * ow], () => 0);
  (idx.data as Int32Array).set(maxPoolIndicesReference([x], p, { shape: [n, ch, oh, ow], dtype: "int32" }) as Int32Array);
  const flat = { ...x, shape: [n, ch, h * w] };
  cases.push(c<"gather">({ name: `gather ${label}`, inputs: [flat, idx], params: { axis: 2 }, out: { shape: idx.shape, dtype: "float32" }, kernel: gather, reference: gatherReference }));
  const g = resident("float32", idx.shape, () => Math.random());
  cases.push(c<"scatterAdd">({ name: `scatterAdd ${label}`, inputs: [g, idx], params: { axis: 2, shape: [n, ch, h * w] }, out: { shape: [n, ch, h * w], dtype: "float32" }, kernel: scatterAdd, reference: scatterAddReference }));
}

console.log(`${"kernel and shape".padEnd(40)} ${"TS ms".padStart(8)} ${"wasm ms".padStart(8)}  (minimum of ${reps})`);
for (const { cs, reference, kernel } of timeKernelCases(cases, reps))
  console.log(`${cs.name.padEnd(40)} ${reference.toFixed(3).padStart(8)} ${kernel.toFixed(3).padStart(8)}`);
