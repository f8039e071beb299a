// The fused convolution kernels (conv.c) against the primitives' decompositions (unfold + matmul + fold) on random
// geometries, thread-count independence, the fallback to the decomposition, and double backward against PyTorch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tensor, grad, sum, mul, add, conv2d, convTranspose2d, type Tensor } from "../../../src/index.js";
import { applyPrim } from "../../../src/ops/apply.js";
import { rules } from "../../../src/ops/prims/index.js";
import { cpu } from "../../../src/ops/cpu/cpuBackend.js";
import { setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { setConvKernelPath, type ConvKernelPath } from "../../../src/ops/cpu/conv.js";
import { windowCount } from "../../../src/ops/_shape.js";
import type { Backend } from "../../../src/ops/backend.js";
import type { ConvParams } from "../../../src/ops/primitive.js";
import { expectClose, fromJson, loadCases } from "../../_harness.js";
import { seededSigned } from "../../_fuzz.js";

// Deterministic uniform floats in [-1, 1) (mulberry32).
const rng = seededSigned;

const wasm = process.env["RIVULET_CPU_WASM"] !== "0";

interface Case {
  readonly x: readonly [number, number, number, number];
  readonly w: readonly [number, number, number, number];
  readonly p: ConvParams;
}

const outShape = ({ x, w, p }: Case): [number, number, number, number] => [
  x[0], w[0],
  windowCount(x[2], w[2], p.stride[0], p.dilation[0], p.padding[0], p.padding[1]),
  windowCount(x[3], w[3], p.stride[1], p.dilation[1], p.padding[2], p.padding[3]),
];

/** Random geometries (odd sizes, strides up to 3, dilation 2, asymmetric padding, groups), then the named edge cases. */
const cases = (): Case[] => {
  const next = rng(11);
  const int = (lo: number, hi: number) => lo + Math.floor(((next() + 1) / 2) * (hi - lo + 1));
  const out: Case[] = [];
  while (out.length < 36) {
    const groups = [1, 1, 2, 3][int(0, 3)]!;
    const cin = groups * int(1, 3), cout = groups * int(1, 3);
    const c: Case = {
      x: [int(1, 3), cin, int(1, 9), int(1, 9)],
      w: [cout, cin / groups, int(1, 4), int(1, 4)],
      p: { stride: [int(1, 3), int(1, 3)], dilation: [int(1, 2), int(1, 2)], padding: [int(0, 2), int(-1, 2), int(0, 2), int(-1, 2)], groups },
    };
    if (outShape(c).slice(2).every((d) => d >= 1)) out.push(c);
  }
  const p = (padding: readonly [number, number, number, number], groups = 1, stride = 1): ConvParams => ({ stride: [stride, stride], dilation: [1, 1], padding, groups });
  return [
    ...out,
    { x: [3, 5, 6, 7], w: [4, 5, 1, 1], p: p([0, 0, 0, 0]) }, // 1×1, stride 1, no padding: no im2col
    { x: [2, 4, 5, 5], w: [6, 2, 1, 1], p: p([0, 0, 0, 0], 2) }, // grouped 1×1
    { x: [2, 3, 5, 5], w: [4, 3, 1, 1], p: p([0, 0, 0, 0], 1, 2) }, // 1×1 with stride 2 (im2col)
    { x: [2, 6, 7, 6], w: [6, 1, 3, 3], p: p([1, 1, 1, 1], 6) }, // depthwise
    { x: [2, 4, 6, 6], w: [8, 1, 3, 3], p: p([1, 1, 1, 1], 4, 2) }, // depthwise, multiplier 2, stride 2
    { x: [1, 2, 3, 2], w: [3, 2, 5, 4], p: p([2, 2, 1, 2]) }, // kernel larger than the input, padded
    { x: [1, 1, 9, 9], w: [1, 1, 3, 3], p: p([0, 0, 0, 0]) }, // batch 1, Cout 1
    { x: [0, 3, 5, 5], w: [2, 3, 3, 3], p: p([1, 1, 1, 1]) }, // batch 0
    { x: [40, 3, 12, 12], w: [5, 3, 5, 5], p: p([2, 2, 2, 2]) }, // large enough for the worker threads
    { x: [37, 6, 9, 9], w: [8, 3, 3, 3], p: p([0, 1, 1, 0], 2, 2) }, // threads, groups, a batch not a multiple of the chunks
  ];
};

const randT = (shape: readonly number[], next: () => number): Tensor =>
  tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next), { shape: [...shape] });

/** |kernel − decomposition| ≤ a bound for float32 sums of `terms` products of values below 1 in magnitude. */
const expectNear = (got: Tensor, want: Tensor, terms: number, label: string): void => {
  expect(got.shape, label).toEqual(want.shape);
  const a = got.dataSync(), b = want.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst, label).toBeLessThanOrEqual(4 * (terms + 1) * 2 ** -24 * Math.max(1, Math.sqrt(terms)));
};

beforeAll(() => setLoadProbe(() => 0));
afterAll(() => setLoadProbe(null));

describe.runIf(wasm)("fused convolution kernels against the decompositions", () => {
  const table = rules();
  for (const kp of ["direct", "packed", "gemm"] as ConvKernelPath[])
  it(`${kp} path: forward, input gradient and weight gradient on random geometries and edge cases`, () => {
    const prev = setConvKernelPath(kp);
    const next = rng(3);
    for (const c of cases()) {
      const label = JSON.stringify(c);
      const x = randT(c.x, next), w = randT(c.w, next), y = outShape(c), g = randT(y, next);
      const k = c.w[1] * c.w[2] * c.w[3];
      const size = [c.x[2], c.x[3]] as const, kernel = [c.w[2], c.w[3]] as const;
      const fwd = applyPrim("conv", [x, w], c.p);
      expectNear(fwd, table.conv.decompose!([x, w], c.p), k, `conv ${label}`);
      const dx = applyPrim("convInputGrad", [g, w], { ...c.p, size });
      expectNear(dx, table.convInputGrad.decompose!([g, w], { ...c.p, size }), c.w[0] * c.w[2] * c.w[3], `convInputGrad ${label}`);
      const dw = applyPrim("convWeightGrad", [x, g], { ...c.p, kernel });
      expectNear(dw, table.convWeightGrad.decompose!([x, g], { ...c.p, kernel }), c.x[0] * y[2] * y[3], `convWeightGrad ${label}`);
      expect(fwd.shape).toEqual(y);
      expect(dx.shape).toEqual(c.x);
      expect(dw.shape).toEqual(c.w);
    }
    setConvKernelPath(prev);
  });

  it("packed path: the forward pass and the input gradient equal the gemm path bit for bit, the weight gradient agrees, on blocked sizes", () => {
    const next = rng(7);
    const p = (pad: number, stride = 1): ConvParams => ({ stride: [stride, stride], dilation: [1, 1], padding: [pad, pad, pad, pad], groups: 1 });
    const big: Case[] = [
      { x: [2, 12, 7, 9], w: [7, 12, 5, 5], p: p(2) }, // K = 300: two k blocks in the forward pass
      { x: [1, 2, 3, 3], w: [260, 2, 1, 1], p: p(1) }, // 260 output channels: k blocks of the input gradient, channel blocks of the weight gradient
      { x: [1, 1, 48, 48], w: [3, 1, 3, 3], p: p(1) }, // P = 2304 > NC: column chunks; the weight gradient's k blocks
      { x: [1, 41, 6, 6], w: [2, 41, 5, 5], p: p(2) }, // K = 1025: kernel-row blocks of the weight gradient
      { x: [3, 6, 14, 14], w: [16, 6, 5, 5], p: p(0) }, // LeNet's conv2: rows of 10, panels straddling two rows
      { x: [2, 3, 17, 19], w: [5, 3, 3, 3], p: p(1, 2) }, // stride 2: the gathering paths
    ];
    for (const c of big) {
      const label = JSON.stringify(c);
      const x = randT(c.x, next), w = randT(c.w, next), y = outShape(c), g = randT(y, next);
      const size = [c.x[2], c.x[3]] as const, kernel = [c.w[2], c.w[3]] as const;
      const all = () => [
        applyPrim("conv", [x, w], c.p), applyPrim("convInputGrad", [g, w], { ...c.p, size }),
        applyPrim("convWeightGrad", [x, g], { ...c.p, kernel }),
      ];
      const prev = setConvKernelPath("gemm");
      const [fg, dxg, dwg] = all();
      setConvKernelPath("packed");
      const [fp, dxp, dwp] = all();
      setConvKernelPath(prev);
      expect(Array.from(fp!.dataSync()), `conv ${label}`).toEqual(Array.from(fg!.dataSync()));
      expect(Array.from(dxp!.dataSync()), `convInputGrad ${label}`).toEqual(Array.from(dxg!.dataSync()));
      expectNear(dwp!, dwg!, 2 * c.x[0] * y[2] * y[3], `convWeightGrad ${label}`);
      expectNear(fp!, table.conv.decompose!([x, w], c.p), c.w[1] * c.w[2] * c.w[3], `conv vs decomposition ${label}`);
    }
  });

  it("direct path: the weight gradient with fewer than 8 channels agrees with the decomposition (tails, straddles, rows under 4)", () => {
    const next = rng(13);
    const p = (padding: readonly [number, number, number, number], o: Partial<ConvParams> = {}): ConvParams =>
      ({ stride: [1, 1], dilation: [1, 1], padding, groups: 1, ...o });
    const small: Case[] = [
      { x: [3, 1, 28, 28], w: [6, 1, 5, 5], p: p([2, 2, 2, 2]) }, // LeNet's first layer: two 3-channel tiles, 12 two-row tiles and a 3×1 one, rows of 28
      { x: [2, 3, 7, 10], w: [7, 3, 3, 4], p: p([1, 0, 2, 1]) }, // 7 channels (3 + 3 + a 1-channel tile), K = 36, P % 4 = 2, straddles
      { x: [2, 2, 5, 3], w: [3, 2, 2, 2], p: p([0, 1, 0, 0]) }, // rows of 2: groups over three rows; P = 10
      { x: [2, 4, 9, 11], w: [6, 2, 3, 3], p: p([1, 1, 1, 1], { groups: 2, dilation: [2, 2] }) }, // groups, dilation
      { x: [3, 2, 8, 9], w: [5, 2, 3, 3], p: p([1, 1, 1, 1], { stride: [2, 1] }) }, // height stride 2
      { x: [19, 1, 6, 6], w: [7, 1, 5, 5], p: p([2, 2, 2, 2]) }, // chunks of the batch on the worker threads; K = 25 and 7 channels: every tile shape
    ];
    const prev = setConvKernelPath("direct");
    for (const c of small) {
      const label = JSON.stringify(c);
      const x = randT(c.x, next), y = outShape(c), g = randT(y, next), kernel = [c.w[2], c.w[3]] as const;
      const dw = applyPrim("convWeightGrad", [x, g], { ...c.p, kernel });
      expect(dw.shape).toEqual(c.w);
      expectNear(dw, table.convWeightGrad.decompose!([x, g], { ...c.p, kernel }), c.x[0] * y[2] * y[3], `convWeightGrad ${label}`);
    }
    setConvKernelPath(prev);
  });

  for (const kp of ["direct", "packed", "gemm"] as ConvKernelPath[])
    it(`${kp} path: no output windows give zero gradients`, () => {
      const prev = setConvKernelPath(kp);
      const p: ConvParams = { stride: [1, 1], dilation: [1, 1], padding: [0, 0, 0, 0], groups: 1 };
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [2, 1, 2, 2] }), w = tensor(new Float32Array(18).fill(1), { shape: [2, 1, 3, 3] });
      const g = tensor(new Float32Array(0), { shape: [2, 2, 0, 0] });
      expect(Array.from(applyPrim("convWeightGrad", [x, g], { ...p, kernel: [3, 3] }).dataSync())).toEqual(new Array(18).fill(0));
      expect(Array.from(applyPrim("convInputGrad", [g, w], { ...p, size: [2, 2] }).dataSync())).toEqual(new Array(8).fill(0));
      setConvKernelPath(prev);
    });

  it("results do not depend on the thread count (bit for bit)", () => {
    const next = rng(5);
    const p: ConvParams = { stride: [1, 1], dilation: [1, 1], padding: [2, 2, 2, 2], groups: 1 };
    const x = randT([45, 3, 14, 14], next), w = randT([6, 3, 5, 5], next), g = randT([45, 6, 14, 14], next);
    const all = () => [
      applyPrim("conv", [x, w], p), applyPrim("convInputGrad", [g, w], { ...p, size: [14, 14] }),
      applyPrim("convWeightGrad", [x, g], { ...p, kernel: [5, 5] }),
    ].map((t) => Array.from(t.dataSync()));
    const threaded = all();
    setLoadProbe(() => 1e6); // an overloaded machine: everything on the calling thread
    const single = all();
    setLoadProbe(() => 0);
    expect(threaded).toEqual(single);
  });
});

describe("composite primitives on a device without their kernels", () => {
  // The CPU backend less its fused kernels, as the WebGPU backend is: the decompositions run and are taped.
  const { conv: _c, convInputGrad: _i, convWeightGrad: _w, ...core } = cpu.kernels;
  const bare: Backend = { ...cpu, name: "cpu-bare", kernels: core } as Backend;
  const declining: Backend = { ...cpu, name: "cpu-declining", kernels: { ...core, conv: () => null, convInputGrad: () => null, convWeightGrad: () => null } } as Backend;
  const on = (t: Tensor, device: Backend) => tensor(t.dataSync(), { shape: [...t.shape], device });

  for (const device of [bare, declining])
    it(`${device.name}: values and gradients equal the fused kernels', and the tape holds the inner primitives`, () => {
      const next = rng(9);
      const x = randT([3, 4, 7, 6], next), w = randT([6, 2, 3, 3], next), cot = randT([3, 6, 4, 3], next);
      const opts = { stride: 2, padding: 1, groups: 2 } as const;
      const f = ([a, b]: Tensor[]) => sum(mul(conv2d(a!, b!, opts), on(cot, a!.device)));
      const want = grad(f)([x, w]);
      const got = grad(f)([on(x, device), on(w, device)]);
      for (const i of [0, 1]) expectClose(on(got[i]!, cpu as Backend), want[i]!, { atol: 1e-5, rtol: 1e-5 });
      let taped: string | undefined;
      grad(([a, b]: Tensor[]) => {
        const y = conv2d(a!, b!, opts);
        taped = y.node?.prim;
        return sum(y);
      })([on(x, device), on(w, device)]);
      expect(taped).toBe("reshape"); // the decomposition's last step, not "conv"
    });

  it("an unknown primitive without a kernel or decomposition is an error naming the device", () => {
    const { matmul: _m, ...noMatmul } = cpu.kernels;
    const dev = { ...cpu, name: "no-matmul", kernels: noMatmul } as unknown as Backend;
    const a = tensor([1, 2, 3, 4], { shape: [1, 2, 2], device: dev });
    expect(() => applyPrim("matmul", [a, a], { transA: false, transB: false })).toThrow(/matmul: device no-matmul has no kernel/);
  });
});

describe("double backward matches PyTorch (create_graph=True)", () => {
  for (const c of loadCases("conv_double"))
    it(c.name, () => {
      const [x, w, cot, u, v] = c.inputs.map(fromJson) as [Tensor, Tensor, Tensor, Tensor, Tensor];
      const op = (a: Tensor, b: Tensor) => (c.op === "conv2d" ? conv2d(a, b, c.params) : convTranspose2d(a, b, c.params));
      // M = <dL/dx, u> + <dL/dw, v>, L = <op(x, w), cot>; then dM/dx, dM/dw, dM/dcot.
      const m = ([a, b, t]: Tensor[]) => {
        const [gx, gw] = grad(([p, q]: Tensor[]) => sum(mul(op(p!, q!), t!)))([a!, b!]);
        return add(sum(mul(gx!, u)), sum(mul(gw!, v)));
      };
      expectClose(m([x, w, cot]), c.output, { atol: 1e-3, rtol: 1e-4 });
      const hs = grad(m)([x, w, cot]);
      c.grads!.forEach((h, i) => expectClose(hs[i]!, h!, { atol: 1e-4, rtol: 1e-4 }, `grad ${i}`));
    });
});
