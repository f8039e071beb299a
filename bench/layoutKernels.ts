// Times the CPU layout kernels (permute, slice, pad, concat, indexAdd, reshape) at the GPT row's shapes and two short-run cases:
// the current kernels against the element-walking references they replaced, alternating in one process (minima), in
// ns per output element. Usage: node --import tsx bench/layoutKernels.ts [--reps=30]
import type { Buf, OutSpec } from "../src/ops/backend.js";
import type { AnyTypedArray } from "../src/ops/dtype.js";
import type { Prim } from "../src/ops/primitive.js";
import { kernelCase, timeKernelCases, type KernelCase } from "./_kernelCases.js";
import { permute, reshape } from "../src/ops/cpu/layout.js";
import { concat, pad, slice } from "../src/ops/cpu/slicing.js";
import { indexAdd, indexAddReference } from "../src/ops/cpu/indexing.js";
import { concatReference, padReference, permuteReference, sliceReference } from "../test/ops/cpu/_layoutReference.js";

const reps = Number(process.argv.find((a) => a.startsWith("--reps="))?.slice(7) ?? 30);

type Arr = AnyTypedArray;
const f32 = (shape: readonly number[]): Buf<Arr> => ({ data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.random() - 0.5), shape, dtype: "float32" });
const ids = (n: number, size: number): Buf<Arr> => ({ data: Int32Array.from({ length: n }, () => Math.floor(Math.random() * size)), shape: [n], dtype: "int32" });

const c = kernelCase;
const out = (shape: readonly number[]): OutSpec => ({ shape, dtype: "float32" });

// The GPT row's calls (2 blocks, d 128, 4 heads, ctx 64, batch 16): head split/merge, the key transpose, the q/k/v
// split and its gradient's padding, the token embedding and its gradient; concat of the three parts for comparison.
const cases: KernelCase<Prim>[] = [
  c<"permute">({ name: "permute [16,64,4,32] (0,2,1,3)", inputs: [f32([16, 64, 4, 32])], params: { perm: [0, 2, 1, 3] }, out: out([16, 4, 64, 32]), kernel: permute, reference: permuteReference }),
  c<"permute">({ name: "permute [16,4,64,32] (0,1,3,2)", inputs: [f32([16, 4, 64, 32])], params: { perm: [0, 1, 3, 2] }, out: out([16, 4, 32, 64]), kernel: permute, reference: permuteReference }),
  c<"permute">({ name: "permute [16,4,32,64] (0,1,3,2)", inputs: [f32([16, 4, 32, 64])], params: { perm: [0, 1, 3, 2] }, out: out([16, 4, 64, 32]), kernel: permute, reference: permuteReference }),
  c<"permute">({ name: "permute [1024,1024] (1,0)", inputs: [f32([1024, 1024])], params: { perm: [1, 0] }, out: out([1024, 1024]), kernel: permute, reference: permuteReference }),
  c<"slice">({ name: "slice [16,64,384] → [:,:,128:256]", inputs: [f32([16, 64, 384])], params: { begin: [0, 0, 128], end: [16, 64, 256], step: [1, 1, 1] }, out: out([16, 64, 128]), kernel: slice, reference: sliceReference }),
  c<"slice">({ name: "slice [16,64,384] → [:,::2,::3]", inputs: [f32([16, 64, 384])], params: { begin: [0, 0, 0], end: [16, 64, 384], step: [1, 2, 3] }, out: out([16, 32, 128]), kernel: slice, reference: sliceReference }),
  c<"pad">({ name: "pad [16,64,128] → [16,64,384]", inputs: [f32([16, 64, 128])], params: { widths: [[0, 0], [0, 0], [128, 128]], value: 0 }, out: out([16, 64, 384]), kernel: pad, reference: padReference }),
  c<"concat">({ name: "concat 3×[16,64,128] axis 2", inputs: [f32([16, 64, 128]), f32([16, 64, 128]), f32([16, 64, 128])], params: { axis: 2 }, out: out([16, 64, 384]), kernel: concat, reference: concatReference }),
  // Short runs (not in the GPT step): an image's border padding, and stacking along a new last axis.
  c<"pad">({ name: "pad [64,3,28,28] → [64,3,32,32]", inputs: [f32([64, 3, 28, 28])], params: { widths: [[0, 0], [0, 0], [2, 2], [2, 2]], value: 0 }, out: out([64, 3, 32, 32]), kernel: pad, reference: padReference }),
  c<"concat">({ name: "stack 2×[16,64,128] on a new last axis", inputs: [f32([16, 64, 128, 1]), f32([16, 64, 128, 1])], params: { axis: 3 }, out: out([16, 64, 128, 2]), kernel: concat, reference: concatReference }),
  c<"indexAdd">({ name: "indexAdd 1024 rows → [1024,128]", inputs: [f32([1024, 128]), ids(1024, 1024)], params: { axis: 0, shape: [1024, 128] }, out: out([1024, 128]), kernel: indexAdd, reference: indexAddReference }),
  c<"reshape">({ name: "reshape [16,64,128] → [1024,128]", inputs: [f32([16, 64, 128])], params: { shape: [1024, 128] }, out: out([1024, 128]), kernel: reshape, reference: null }),
];

const ns = (ms: number, cs: KernelCase<Prim>): string => ((ms * 1e6) / cs.out.shape.reduce((a, b) => a * b, 1)).toFixed(3).padStart(8);
console.log(`${"kernel and shape".padEnd(40)} ${"before".padStart(8)} ${"after".padStart(8)}  ns/element (minimum of ${reps})`);
for (const { cs, reference, kernel } of timeKernelCases(cases, reps))
  console.log(`${cs.name.padEnd(40)} ${cs.reference ? ns(reference, cs) : "".padStart(8)} ${ns(kernel, cs)}`);
