// Every primitive and its parameter variants on WebGPU against the CPU reference kernels, on small random inputs.
import { afterAll, describe, expect, it } from "vitest";
import { Tensor, cpuDevice, key, randn, rand, tensor, toDevice, type Backend, type Prim, type PrimParams } from "../../src/index.js";
import { applyPrim } from "../../src/ops/apply.js";
import type { UnaryOp, BinaryOp } from "../../src/ops/primitive.js";
import { expectClose } from "../_harness.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

type Make = (d: Backend) => Tensor;
interface Row<P extends Prim = Prim> {
  readonly name: string;
  readonly prim: P;
  readonly inputs: readonly Make[];
  readonly params: PrimParams[P];
  /** Bitwise equality (data movement, integer results, RNG) rather than float32 tolerance. */
  readonly exact?: boolean;
}

let seed = 0;
// Random inputs are drawn on the CPU and copied, so both backends see the same bits.
const f = (...shape: number[]): Make => { const t = randn(key(++seed), shape); return (d) => t.to(d); };
const pos = (...shape: number[]): Make => { const t = rand(key(++seed), shape).add(0.1); return (d) => t.to(d); };
const i32 = (data: number[], shape?: number[]): Make => (d) => tensor(data, { dtype: "int32", shape, device: d });
const b = (data: boolean[]): Make => (d) => tensor(data, { device: d });
// Values with ties, NaN and infinities, for the ops whose special cases differ between implementations.
const special: Make = (d) => tensor([1, NaN, -Infinity, 2, 2, Infinity, -0.5, 0, 3, NaN, 1, -2], { shape: [3, 4], device: d });

const row = <P extends Prim>(name: string, prim: P, inputs: Make[], params: PrimParams[P], exact = false): Row => ({ name, prim, inputs, params, exact } as Row);

const unaryOps: UnaryOp[] = ["neg", "abs", "sign", "exp", "sin", "cos", "tanh", "sigmoid", "erf", "relu", "floor", "ceil", "round", "logicalNot", "expm1", "log1p", "gelu", "silu", "geluTanh"];
const binaryOps: BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum", "mod", "atan2", "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "sigmoidGrad", "tanhGrad", "reluGrad", "geluGrad", "siluGrad", "geluTanhGrad"];

const rows: Row[] = [
  ...unaryOps.map((op) => row(`unary ${op}`, "unary", [f(3, 5)], { op })),
  ...(["log", "sqrt", "rsqrt"] as UnaryOp[]).map((op) => row(`unary ${op} (positive)`, "unary", [pos(4, 3)], { op })),
  ...(["neg", "abs", "sign", "relu", "logicalNot"] as UnaryOp[]).map((op) => row(`unary ${op} int32`, "unary", [i32([-3, 0, 2, 7, -1, 5])], { op }, true)),
  row("unary sign/relu NaN and inf", "unary", [special], { op: "relu" }),
  row("unary geluTanh NaN and inf", "unary", [special], { op: "geluTanh" }),
  row("unary geluTanh wide range (saturation, x³ beyond f32 at 1e13)", "unary", [(d) => tensor([-1e20, -1e13, -20, -10, -9, -5, 1e-30, 5, 9, 10, 20, 1e13, 1e20], { device: d })], { op: "geluTanh" }),
  row("binary geluTanhGrad wide range (the saturated branch, no inf·0)", "binary", [(d) => tensor([-1e20, -1e13, -20, -10, -9, -5, 1e-30, 5, 9, 10, 20, 1e13, 1e20], { device: d }), f(13)], { op: "geluTanhGrad" }),
  ...binaryOps.map((op) => row(`binary ${op} broadcast [3,1]x[4]`, "binary", [f(3, 1), f(4)], { op })),
  row("binary pow (positive base)", "binary", [pos(2, 3), f(2, 3)], { op: "pow" }),
  row("binary pow (negative base, integer exponents)", "binary", [(d) => tensor([-2, -3, 0, 0, 4], { device: d }), (d) => tensor([3, 2, 2, -1, 0.5], { device: d })], { op: "pow" }),
  row("binary maximum with NaN", "binary", [special, (d) => tensor([0, 5, 1, 1], { device: d })], { op: "maximum" }),
  row("binary add strided [2,1,3]x[1,4,1]", "binary", [f(2, 1, 3), f(1, 4, 1)], { op: "add" }),
  // The fused activation gradients on same-shape operands (the CPU's masked-bits path for reluGrad), with edge values.
  ...(["sigmoidGrad", "tanhGrad", "reluGrad", "geluGrad", "siluGrad", "geluTanhGrad"] as BinaryOp[]).map((op) => row(`binary ${op} same shape, special`, "binary", [special, f(3, 4)], { op })),
  row("binary reluGrad int32", "binary", [i32([-3, 0, 2, 7, -1, 5]), i32([1, 2, 3, 4, 5, 6])], { op: "reluGrad" }, true),
  row("binary siluGrad int32 (the f32 helpers compile beside the i32 ones)", "binary", [i32([-3, 0, 2, 7, -1, 5]), i32([10, 20, 30, 40, 50, 60])], { op: "siluGrad" }, true),
  row("binary mul 0-d", "binary", [f(), f(5)], { op: "mul" }),
  ...(["add", "sub", "mul", "mod", "maximum", "pow", "lt", "eq"] as BinaryOp[]).map((op) =>
    row(`binary ${op} int32`, "binary", [i32([7, -7, 3, 0, 46340, 5]), i32([3, 3, -2, 5, 2, 2])], { op }, true)),
  row("binary add/mul int32 wrap", "binary", [i32([2147483647, 65536]), i32([2, 65536])], { op: "mul" }, true),
  row("binary logicalAnd bool", "binary", [b([true, false, true]), b([true, true, false])], { op: "logicalAnd" }, true),
  row("where broadcast", "where", [b([true, false, true]), f(2, 3), f(1)], {}),
  row("where int32", "where", [b([false, true]), i32([1, 2]), i32([3, 4])], {}, true),
  row("cast float→int32 (truncates)", "cast", [(d) => tensor([1.7, -1.7, 0, 2.5, -0.2, NaN], { device: d })], { dtype: "int32" }, true),
  row("cast float→bool", "cast", [special], { dtype: "bool" }, true),
  row("cast int32→float", "cast", [i32([1, -5, 7])], { dtype: "float32" }, true),
  ...(["sum", "prod", "max", "min"] as const).flatMap((op) => [
    row(`reduce ${op} axes [1]`, "reduce", [f(3, 4, 2)], { op, axes: [1] }),
    row(`reduce ${op} axes [0, 2]`, "reduce", [f(3, 4, 2)], { op, axes: [0, 2] }),
    row(`reduce ${op} all, long (workgroup tree)`, "reduce", [pos(600)], { op, axes: [0] }),
  ]),
  row("reduce max/min NaN", "reduce", [special], { op: "max", axes: [1] }),
  row("reduce sum int32", "reduce", [i32([1, 2, 3, 4, 5, 6], [2, 3])], { op: "sum", axes: [1] }, true),
  row("reduce sum 0-d", "reduce", [f()], { op: "sum", axes: [] }),
  row("argReduce argmax axis 1", "argReduce", [f(3, 5)], { op: "argmax", axis: 1 }, true),
  row("argReduce argmin axis 0", "argReduce", [f(3, 5)], { op: "argmin", axis: 0 }, true),
  row("argReduce argmax ties and NaN", "argReduce", [special], { op: "argmax", axis: 1 }, true),
  row("cumsum axis 1", "cumsum", [f(3, 5)], { axis: 1, reverse: false }),
  row("cumsum axis 0 reverse", "cumsum", [f(3, 5)], { axis: 0, reverse: true }),
  row("reshape", "reshape", [f(2, 6)], { shape: [3, 4] }, true),
  row("permute", "permute", [f(2, 3, 4)], { perm: [2, 0, 1] }, true),
  row("expand", "expand", [f(3, 1)], { shape: [2, 3, 4] }, true),
  row("slice with steps", "slice", [f(5, 6)], { begin: [1, 0], end: [5, 6], step: [2, 3] }, true),
  row("slice reversed", "slice", [f(4, 3)], { begin: [3, 2], end: [-1, -1], step: [-1, -2] }, true),
  row("pad", "pad", [f(2, 3)], { widths: [[1, 0], [2, 1]], value: -1.5 }, true),
  row("pad int32", "pad", [i32([1, 2, 3])], { widths: [[2, 1]], value: 7 }, true),
  row("concat axis 1", "concat", [f(2, 1), f(2, 3), f(2, 2)], { axis: 1 }, true),
  row("gather axis 1", "gather", [f(3, 4), i32([0, 3, 3, 1, 2, 0], [3, 2])], { axis: 1 }, true),
  row("scatterAdd axis 0 (repeated indices)", "scatterAdd", [f(3, 2), i32([1, 0, 1, 1, 2, 1], [3, 2])], { axis: 0, shape: [4, 2] }),
  row("indexSelect axis 1", "indexSelect", [f(2, 4, 3), i32([3, 0, 3])], { axis: 1 }, true),
  row("indexAdd axis 0 (repeated indices)", "indexAdd", [f(3, 2), i32([2, 0, 2])], { axis: 0, shape: [4, 2] }),
  row("argsort ascending, ties stable", "argsort", [(d) => tensor([[3, 1, 2, 1, 5, 0, 2], [1, 1, 1, 0, 0, 2, 2]], { device: d })], { axis: 1, descending: false }, true),
  row("argsort descending axis 0", "argsort", [f(5, 3)], { axis: 0, descending: true }, true),
  row("argsort NaN and inf", "argsort", [special], { axis: 1, descending: false }, true),
  row("argsort long line (multi-stage bitonic)", "argsort", [f(300)], { axis: 0, descending: false }, true),
  row("argsort int32", "argsort", [i32([5, -2, 5, 9, 0])], { axis: 0, descending: true }, true),
  row("matmul", "matmul", [f(1, 5, 7), f(1, 7, 3)], { transA: false, transB: false }),
  row("matmul batched, transA", "matmul", [f(2, 7, 5), f(2, 7, 3)], { transA: true, transB: false }),
  row("matmul broadcast batch, transB", "matmul", [f(1, 5, 7), f(3, 4, 7)], { transA: false, transB: true }),
  row("matmul beyond one tile (70×65×33)", "matmul", [f(1, 70, 33), f(1, 33, 65)], { transA: false, transB: false }),
  // K and N multiples of 4 take the vec4-load paths (A, B or both), with partial tiles and broadcast batches.
  row("matmul vec4 A and B (70×36×68)", "matmul", [f(1, 70, 36), f(1, 36, 68)], { transA: false, transB: false }),
  row("matmul vec4 A only, batched (K 20, N 7)", "matmul", [f(2, 9, 20), f(2, 20, 7)], { transA: false, transB: false }),
  row("matmul vec4 B only, transA, broadcast (K 9, N 12)", "matmul", [f(1, 9, 5), f(3, 9, 12)], { transA: true, transB: false }),
  row("matmul vec4 A with transB (K 8, N 6)", "matmul", [f(2, 6, 8), f(1, 6, 8)], { transA: false, transB: true }),
  row("unfold", "unfold", [f(2, 3, 6, 5)], { kernel: [3, 2], stride: [2, 1], dilation: [1, 2], padding: [1, 2, 0, 1], value: 0 }, true),
  row("unfold padded with -inf (max pooling)", "unfold", [f(1, 2, 5, 5)], { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [0, 1, 0, 1], value: -Infinity }, true),
  row("fold", "fold", [f(2, 3 * 3 * 2, 16)], { kernel: [3, 2], stride: [2, 1], dilation: [1, 2], padding: [1, 2, 0, 1], size: [6, 5] }),
  row("uniform (odd count)", "uniform", [], { key: [0x12345678, 0x9abcdef0], shape: [3, 5] }, true),
  row("uniform", "uniform", [], { key: [0, 42], shape: [1000] }, true),
];

describe.skipIf(!gpu.device)("primitives on WebGPU match the CPU backend", () => {
  it("the table covers all 22 primitives", () => {
    expect(new Set(rows.map((r) => r.prim)).size).toBe(22);
  });
  for (const r of rows)
    it(r.name, async () => {
      const dev = gpu.device!;
      const expected = applyPrim(r.prim, r.inputs.map((m) => m(cpuDevice)), r.params, cpuDevice);
      const actual = applyPrim(r.prim, r.inputs.map((m) => m(dev)), r.params, dev);
      expect(actual.device).toBe(dev);
      expect(actual.dtype).toBe(expected.dtype);
      const [host] = await toDevice([actual], cpuDevice);
      if (r.exact) expect(Array.from(host!.dataSync())).toEqual(Array.from(expected.dataSync()));
      else expectClose(host!, expected, { atol: 1e-5, rtol: 1e-5 }, r.name);
    });
});
