// The Winograd convolution kernels (_winograd.ts, winograd.c): the Cook–Toom matrices, all three passes against a
// float64 reference and the direct kernels on random geometries, thread-count independence, double backward.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tensor, grad, sum, mul, conv2d, type Tensor } from "../../../src/index.js";
import { applyPrim } from "../../../src/ops/apply.js";
import { setLoadProbe } from "../../../src/ops/cpu/_gemmPool.js";
import { setWinogradMode, setWinogradTile, winogradFits, winogradMatrices } from "../../../src/ops/cpu/_winograd.js";
import type { ConvParams } from "../../../src/ops/primitive.js";
import { seededSigned } from "../../_fuzz.js";
import { outShape, reference, relError, type ConvCase } from "./_convReference.js";

const wasm = process.env["RIVULET_CPU_WASM"] !== "0";

const params = (pad: ConvCase["pad"]): ConvParams => ({ stride: [1, 1], dilation: [1, 1], padding: pad, groups: 1 });
const randT = (shape: readonly number[], next: () => number): Tensor =>
  tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, next), { shape: [...shape] });

beforeAll(() => setLoadProbe(() => 0));
afterAll(() => {
  setLoadProbe(null);
  setWinogradMode("auto");
});

describe("Cook–Toom matrices", () => {
  for (const [m, r] of [[2, 3], [4, 3], [6, 3], [2, 5], [3, 5], [4, 5]] as const)
    it(`F(${m}, ${r}) computes the correlation y_i = Σ_j g_j d_(i+j) in float64`, () => {
      const { AT, G, BT, alpha } = winogradMatrices(m, r);
      const next = seededSigned(m * 10 + r);
      const g = Array.from({ length: r }, next), d = Array.from({ length: alpha }, next);
      const Gg = Array.from({ length: alpha }, (_, x) => g.reduce((s, gj, j) => s + G[x * r + j]! * gj, 0));
      const Bd = Array.from({ length: alpha }, (_, x) => d.reduce((s, dl, l) => s + BT[x * alpha + l]! * dl, 0));
      for (let i = 0; i < m; i++) {
        const got = Gg.reduce((s, v, x) => s + AT[i * alpha + x]! * v * Bd[x]!, 0);
        const want = g.reduce((s, gj, j) => s + gj * d[i + j]!, 0);
        expect(Math.abs(got - want)).toBeLessThan(1e-12);
      }
    });

  it("Bᵀ holds exact binary fractions (no rounding when stored as float32)", () => {
    const { BT } = winogradMatrices(4, 5);
    for (const v of BT) expect(Math.fround(v)).toBe(v);
  });

  it("a tile past 8 is an error naming the tile", () => {
    expect(() => setWinogradTile(5, 5)).toThrow(/F\(5, 5\) needs a tile of at most 8/);
    expect(() => winogradMatrices(5, 5)).toThrow(/F\(5, 5\)/);
  });
});

describe.runIf(wasm)("Winograd convolution kernels", () => {
  it("fits stride-1, dilation-1, ungrouped 3×3 and 5×5 convolutions with enough channels (auto mode)", () => {
    const p = params([1, 1, 1, 1]);
    setWinogradMode("auto");
    expect(winogradFits(32, 32, 5, 5, p)).toBe(true);
    expect(winogradFits(3, 32, 5, 5, p)).toBe(false); // CIFAR's first layer: thin GEMMs
    expect(winogradFits(32, 32, 3, 5, p)).toBe(false);
    expect(winogradFits(32, 32, 7, 7, p)).toBe(false);
    expect(winogradFits(32, 32, 3, 3, { ...p, stride: [2, 2] })).toBe(false);
    expect(winogradFits(32, 32, 3, 3, { ...p, dilation: [1, 2] })).toBe(false);
    expect(winogradFits(32, 32, 3, 3, { ...p, groups: 2 })).toBe(false);
    setWinogradMode("always");
    expect(winogradFits(3, 2, 3, 3, p)).toBe(true);
    setWinogradMode("off");
    expect(winogradFits(32, 32, 5, 5, p)).toBe(false);
    setWinogradMode("auto");
  });

  // Odd sizes so tiles overhang, N = 1, channel counts off multiples of 4, padding 0/1/2 and asymmetric, 3×3 and 5×5.
  const cases: ConvCase[] = [
    { x: [1, 5, 9, 7], w: [6, 5, 3, 3], pad: [1, 1, 1, 1] },
    { x: [2, 3, 11, 13], w: [7, 3, 5, 5], pad: [2, 2, 2, 2] },
    { x: [3, 6, 8, 8], w: [5, 6, 5, 5], pad: [0, 0, 0, 0] },
    { x: [1, 9, 10, 5], w: [3, 9, 3, 3], pad: [0, 0, 0, 0] },
    { x: [2, 4, 7, 9], w: [4, 4, 5, 5], pad: [1, 2, 2, 1] },
    { x: [2, 17, 6, 6], w: [18, 17, 3, 3], pad: [2, 2, 2, 2] },
    { x: [1, 2, 4, 4], w: [3, 2, 5, 5], pad: [2, 2, 2, 2] }, // kernel larger than the input
    { x: [8, 20, 16, 16], w: [24, 20, 5, 5], pad: [2, 2, 2, 2] }, // large enough for the worker threads
  ];

  for (const [r, m] of [[3, 4], [3, 2], [5, 2], [5, 3], [5, 4]] as const)
    it(`F(${m}×${m}, ${r}×${r}): all three passes agree with float64 on random geometries`, () => {
      setWinogradMode("always");
      const prevTile = setWinogradTile(r, m);
      const next = seededSigned(m * 100 + r);
      // Measured: the direct kernels reach ~4e-7 of the output's scale; Winograd 2e-6 to 6e-6 (α = 6 to 8) forward and
      // backward to the input, up to 1.5e-5 for the weight gradient (sums over many more tiles). Bounds at ~3x that.
      const tol = m + r - 1 >= 8 ? 2e-5 : 1e-5;
      for (const c of cases.filter((k) => k.w[2] === r)) {
        const label = JSON.stringify(c);
        const x = randT(c.x, next), w = randT(c.w, next), g = randT(outShape(c), next);
        const ref = reference(c, x.dataSync() as Float32Array, w.dataSync() as Float32Array, g.dataSync() as Float32Array);
        const y = applyPrim("conv", [x, w], params(c.pad));
        const dx = applyPrim("convInputGrad", [g, w], { ...params(c.pad), size: [c.x[2], c.x[3]] });
        const dw = applyPrim("convWeightGrad", [x, g], { ...params(c.pad), kernel: [r, r] });
        expect(y.shape, label).toEqual(outShape(c));
        expect(relError(y, ref.y), `conv ${label}`).toBeLessThan(tol);
        expect(relError(dx, ref.dx), `convInputGrad ${label}`).toBeLessThan(tol);
        expect(relError(dw, ref.dw), `convWeightGrad ${label}`).toBeLessThan(4 * tol);
      }
      setWinogradTile(r, prevTile!);
      setWinogradMode("auto");
    });

  it("the Winograd path is the one that ran, in auto mode too from 16 channels (its rounding differs from the direct kernels')", () => {
    const c = cases[7]!, next = seededSigned(4);
    const x = randT(c.x, next), w = randT(c.w, next);
    setWinogradMode("always");
    const a = applyPrim("conv", [x, w], params(c.pad)).dataSync();
    setWinogradMode("auto");
    const auto = applyPrim("conv", [x, w], params(c.pad)).dataSync();
    setWinogradMode("off");
    const b = applyPrim("conv", [x, w], params(c.pad)).dataSync();
    setWinogradMode("auto");
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(auto)).toEqual(Array.from(a));
  });

  it("results do not depend on the thread count (bit for bit)", () => {
    setWinogradMode("always");
    const c = cases[7]!, next = seededSigned(5), p = params(c.pad);
    const x = randT(c.x, next), w = randT(c.w, next), g = randT(outShape(c), next);
    const all = () => [
      applyPrim("conv", [x, w], p), applyPrim("convInputGrad", [g, w], { ...p, size: [c.x[2], c.x[3]] }),
      applyPrim("convWeightGrad", [x, g], { ...p, kernel: [5, 5] }),
    ].map((t) => Array.from(t.dataSync()));
    const threaded = all();
    setLoadProbe(() => 1e6); // an overloaded machine: everything on the calling thread
    const single = all();
    setLoadProbe(() => 0);
    setWinogradMode("auto");
    expect(threaded).toEqual(single);
  });

  it("gradients of gradients through the composite rules agree with the direct kernels", () => {
    const next = seededSigned(6);
    const x = randT([2, 4, 7, 7], next), w = randT([5, 4, 3, 3], next), cot = randT([2, 5, 7, 7], next);
    const u = randT([2, 4, 7, 7], next), v = randT([5, 4, 3, 3], next);
    // M = <dL/dx, u> + <dL/dw, v> with L = <conv(x, w), cot>; then dM/dx and dM/dw.
    const m = ([a, b]: Tensor[]) => {
      const [gx, gw] = grad(([p, q]: Tensor[]) => sum(mul(conv2d(p!, q!, { padding: 1 }), cot)))([a!, b!]);
      return sum(mul(gx!, u)).add(sum(mul(gw!, v)));
    };
    setWinogradMode("off");
    const want = grad(m)([x, w]).map((t) => t.dataSync());
    setWinogradMode("always");
    const got = grad(m)([x, w]).map((t) => t.dataSync());
    setWinogradMode("auto");
    for (let i = 0; i < 2; i++) {
      let err = 0, scale = 0;
      for (let j = 0; j < want[i]!.length; j++) (err = Math.max(err, Math.abs(got[i]![j]! - want[i]![j]!))), (scale = Math.max(scale, Math.abs(want[i]![j]!)));
      expect(err / scale).toBeLessThan(1e-5);
      expect(err).toBeGreaterThan(0); // Winograd ran on some pass (rounding differs from the direct kernels)
    }
  });
});
