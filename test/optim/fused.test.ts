// The fused CPU updates (one pass per parameter, optim.c) give bit for bit the op-by-op path's updates and states, for
// every option combination of adam/adamw, sgd, rmsprop and adagrad, over many steps of random data with zeros, −0, subnormals, huge values,
// NaN and ±Inf; the ops run where the fused update must not (gradients traced through the update).
import { describe, expect, it } from "vitest";
import {
  adagrad, adam, adamw, applyUpdates, chain, clipGradNorm, cpuDevice, deviceRuntime, fromTyped, rmsprop, sgd, sum, valueAndGrad,
  type GradientTransformation, type Prim, type Tensor,
} from "../../src/index.js";
import { fusedAdamStep, withFusedUpdates } from "../../src/ops/fusedUpdates.js";
import type { Backend } from "../../src/ops/backend.js";
import { seeded } from "../_fuzz.js";

const SPECIAL = [0, -0, 1e-45, -1e-45, 1e-40, 1.2e-38, -3e38, 3e38, 1e20, -1e-20, 1, -1];
const NONFINITE = [NaN, Infinity, -Infinity];

/** n float32 values: mostly normal-ish, ~10% special finite values, and (when `nonFinite`) ~2% NaN or ±Inf. */
const values = (next: () => number, n: number, nonFinite: boolean): Float32Array =>
  Float32Array.from({ length: n }, () => {
    const r = next();
    if (nonFinite && r < 0.02) return NONFINITE[Math.floor(next() * NONFINITE.length)]!;
    if (r < 0.12) return SPECIAL[Math.floor(next() * SPECIAL.length)]!;
    return (next() - 0.5) * 4 * 10 ** Math.floor(next() * 6 - 3);
  });

// Leaves of odd sizes (SIMD tails), one below and one above the elementwise kernels' WebAssembly threshold, and a scalar.
const SHAPES: Record<string, readonly number[]> = { a: [7, 3], b: [1031], c: [], d: [2, 2] };
const tree = (next: () => number, nonFinite: boolean): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(SHAPES).map(([k, s]) => [k, fromTyped(values(next, s.reduce((x, y) => x * y, 1), nonFinite), s)]));

/** Bit patterns, with every NaN as one value (NaN payloads are not specified by the ops either). */
const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer), (b) => ((b & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : b));
const leaves = (x: unknown): Tensor[] =>
  x !== null && typeof x === "object" && "dtype" in x ? [x as Tensor] : Array.isArray(x) ? x.flatMap(leaves) : x !== null && typeof x === "object" ? Object.values(x).flatMap(leaves) : [];

/** Counts the CPU binary kernel's calls while `f` runs (the op-by-op update calls it; the fused one never does). */
const binaryCalls = <T>(f: () => T): [T, number] => {
  const kernels = cpuDevice.kernels as unknown as Record<Prim, (...a: unknown[]) => unknown>;
  const k = kernels.binary;
  let calls = 0;
  kernels.binary = (...a: unknown[]) => (calls++, k(...a));
  try {
    return [f(), calls];
  } finally {
    kernels.binary = k;
  }
};

/** Runs `steps` updates from the same start with the fused path on and off; expects the same bits at every step. */
const compare = (opt: GradientTransformation<unknown>, seed: number, { steps = 6, count }: { steps?: number; count?: number } = {}) => {
  const next = seeded(seed);
  let params = tree(next, false);
  let state: unknown = opt.init(params);
  if (count !== undefined) state = { ...(state as object), count };
  for (let s = 0; s < steps; s++) {
    const grads = tree(next, true);
    const [fused, fusedOps] = binaryCalls(() => withFusedUpdates(true, () => opt.update(grads, state, params)));
    const [ops, opsOps] = binaryCalls(() => withFusedUpdates(false, () => opt.update(grads, state, params)));
    expect(fusedOps).toBe(0);
    expect(opsOps).toBeGreaterThan(0);
    const a = leaves([fused.updates, fused.state]), b = leaves([ops.updates, ops.state]);
    expect(a.length).toBe(b.length);
    a.forEach((t, i) => {
      expect(t.shape).toEqual(b[i]!.shape);
      expect(bits(t), `step ${s}, leaf ${i}`).toEqual(bits(b[i]!));
    });
    params = applyUpdates(params, ops.updates);
    state = ops.state;
  }
};


// RIVULET_CPU_WASM=0 turns the WebAssembly kernels off: then both paths are the ops, and there is nothing to compare.
const wasm = process.env["RIVULET_CPU_WASM"] !== "0";

describe.runIf(wasm)("fused adam/adamw", () => {
  const combos = [adam, adamw].flatMap((make) =>
    [0, 0.1].flatMap((weightDecay) => [false, true].flatMap((amsgrad) => [false, true].map((maximize) => ({ make, weightDecay, amsgrad, maximize })))),
  );
  it.each(combos.map((c, i) => [`${c.make === adam ? "adam" : "adamw"} wd ${c.weightDecay} amsgrad ${c.amsgrad} maximize ${c.maximize}`, c, i] as const))(
    "%s: the op-by-op bits at every step",
    (_, { make, weightDecay, amsgrad, maximize }, i) => {
      compare(make({ lr: 0.01, betas: [0.9, 0.99], eps: 1e-8, weightDecay, amsgrad, maximize }), 100 + i);
    },
  );
  it("late steps (√(1 − β2^t) exactly 1) and a large lr and eps", () => {
    compare(adamw({ lr: 3, betas: [0.5, 0.999], eps: 0.25, amsgrad: true }), 7, { steps: 3, count: 40000 });
    compare(adam({ lr: 0.5, weightDecay: 2, maximize: true }), 8, { steps: 3, count: 40000 });
  });
  it("degenerate constants: β = 0, eps = 0 (0/0 where g = 0), lr = 0, and a schedule of the step count", () => {
    compare(adam({ lr: 0, betas: [0, 0], eps: 0, amsgrad: true }), 10, { steps: 3 });
    compare(adamw({ lr: (t) => 0.1 / (t + 1), betas: [0.5, 0.5], eps: 0, weightDecay: 3 }), 11, { steps: 12 });
  });
  it("inside a CPU step scope (operands resident in the WebAssembly heap)", () => {
    const runtime = deviceRuntime(cpuDevice);
    runtime.step(() => compare(adamw({ lr: 1e-3, amsgrad: true }), 9, { steps: 3 }));
  });
});

describe.runIf(wasm)("fused sgd", () => {
  const combos = [0, 0.9].flatMap((momentum) =>
    [0, 0.3].flatMap((dampening) => [false, true].flatMap((nesterov) => [0, 1e-2].flatMap((weightDecay) => [false, true].map((maximize) => ({ momentum, dampening, nesterov, weightDecay, maximize }))))),
  ).filter((c) => !c.nesterov || (c.momentum > 0 && c.dampening === 0));
  it.each(combos.map((c, i) => [JSON.stringify(c), c, i] as const))("%s: the op-by-op bits at every step", (_, c, i) => {
    compare(sgd({ lr: 0.1, ...c }), 200 + i);
  });
});

describe.runIf(wasm)("fused rmsprop and adagrad", () => {
  const combos = [0, 0.9].flatMap((momentum) =>
    [false, true].flatMap((centered) => [0, 1e-2].flatMap((weightDecay) => [false, true].map((maximize) => ({ momentum, centered, weightDecay, maximize })))),
  );
  it.each(combos.map((c, i) => [JSON.stringify(c), c, i] as const))("rmsprop %s: the op-by-op bits at every step", (_, c, i) => {
    compare(rmsprop({ lr: 0.01, alpha: 0.9, eps: 1e-8, ...c }), 300 + i);
  });
  it.each([
    { weightDecay: 0, maximize: false }, { weightDecay: 0.1, maximize: false }, { weightDecay: 0, maximize: true }, { weightDecay: 0.1, maximize: true },
  ].map((c, i) => [JSON.stringify(c), c, i] as const))("adagrad %s: the op-by-op bits at every step", (_, c, i) => {
    compare(adagrad({ lr: 0.1, lrDecay: 0.05, initialAccumulatorValue: 0.1, eps: 1e-10, ...c }), 400 + i);
  });
  it("degenerate constants: α = 0, eps = 0 (0/0 where g = 0), lr = 0", () => {
    compare(rmsprop({ lr: 0, alpha: 0, eps: 0, centered: true, momentum: 0.5 }), 12, { steps: 3 });
    compare(adagrad({ lr: 0, eps: 0 }), 13, { steps: 3 });
  });
});

describe("where the fused update does not run", () => {
  it.runIf(wasm)("chain(clip, adamw) fuses the adamw part and keeps the clip's ops, with the same bits", () => {
    const opt = chain(clipGradNorm(1.0), adamw({ lr: 1e-3 })) as GradientTransformation<unknown>;
    const next = seeded(3);
    const params = tree(next, false), grads = tree(next, false);
    const state = opt.init(params);
    const fused = withFusedUpdates(true, () => opt.update(grads, state, params));
    const ops = withFusedUpdates(false, () => opt.update(grads, state, params));
    leaves([fused.updates, fused.state]).forEach((t, i) => expect(bits(t)).toEqual(bits(leaves([ops.updates, ops.state])[i]!)));
  });
  it("a gradient taken through the update runs the ops (the fused kernel records no tape node)", () => {
    // d/dp Σ(p + u) with SGD's u = −lr·(g + wd·p) is 1 − lr·wd everywhere.
    const opt = sgd({ lr: 0.5, weightDecay: 0.2 });
    const g = fromTyped(Float32Array.from([1, -2, 3]), [3]);
    const [, dp] = valueAndGrad((p: Tensor) => sum(applyUpdates(p, opt.update(g, opt.init(p), p).updates)))(fromTyped(Float32Array.from([0.5, 1, 2]), [3]));
    expect(Array.from(dp.dataSync())).toEqual([0.9, 0.9, 0.9].map(Math.fround));
  });
});

describe.runIf(wasm)("the fused updates go through the device's table (Backend.updates)", () => {
  const table = cpuDevice.updates as unknown as Record<string, (...a: unknown[]) => unknown>;
  /** Replaces the CPU table's entry `name` while `f` runs. */
  const patched = <T>(name: string, entry: (orig: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown, f: () => T): T => {
    const orig = table[name]!;
    table[name] = entry(orig);
    try {
      return f();
    } finally {
      table[name] = orig;
    }
  };
  const opts: [string, GradientTransformation<unknown>][] = [
    ["adam", adamw({ lr: 1e-3, amsgrad: true }) as GradientTransformation<unknown>],
    ["sgd", sgd({ lr: 0.1, momentum: 0.9 }) as GradientTransformation<unknown>],
    ["rmsprop", rmsprop({ centered: true, momentum: 0.5 }) as GradientTransformation<unknown>],
    ["adagrad", adagrad() as GradientTransformation<unknown>],
  ];
  it.each(opts)("%s: one call of the CPU's entry per parameter, and a declining entry (null) gives the ops' bits", (name, opt) => {
    const next = seeded(21);
    const params = tree(next, false), grads = tree(next, true);
    const state = opt.init(params);
    let calls = 0;
    const [viaTable, binary] = binaryCalls(() => patched(name, (orig) => (...a) => (calls++, orig(...a)), () => withFusedUpdates(true, () => opt.update(grads, state, params))));
    expect(calls).toBe(Object.keys(SHAPES).length);
    expect(binary).toBe(0);
    let declined = 0;
    const [fallback, fallbackBinary] = binaryCalls(() => patched(name, () => () => (declined++, null), () => withFusedUpdates(true, () => opt.update(grads, state, params))));
    expect(declined).toBe(Object.keys(SHAPES).length);
    expect(fallbackBinary).toBeGreaterThan(0);
    const a = leaves([viaTable.updates, viaTable.state]), b = leaves([fallback.updates, fallback.state]);
    expect(a.length).toBe(b.length);
    a.forEach((t, i) => expect(bits(t), `leaf ${i}`).toEqual(bits(b[i]!)));
  });
  it("a device without the table runs the ops, and the results stay on it", () => {
    const { updates: _, ...rest } = cpuDevice;
    const bare: Backend = rest;
    const g = fromTyped(Float32Array.from([0.5, -1, 2]), [3], { device: bare }), p = fromTyped(Float32Array.from([1, 2, 3]), [3], { device: bare });
    const opt = adamw({ lr: 0.1 });
    const [r, binary] = binaryCalls(() => withFusedUpdates(true, () => opt.update(g, opt.init(p), p)));
    expect(binary).toBeGreaterThan(0);
    expect((r.updates as Tensor).device).toBe(bare);
    const cpu = opt.update(fromTyped(Float32Array.from([0.5, -1, 2]), [3]), opt.init(fromTyped(Float32Array.from([1, 2, 3]), [3])), fromTyped(Float32Array.from([1, 2, 3]), [3]));
    expect(bits(r.updates as Tensor)).toEqual(bits(cpu.updates as Tensor));
  });
  it.runIf(process.env["RIVULET_CPU_POOL"] !== "0")("a state released by a closed step scope is an error naming the optimizer", () => {
    const opt = adamw({ lr: 1e-3 });
    const params = { w: fromTyped(new Float32Array(2048).fill(1), [2048]) };
    // The state is made inside a step and not returned from it, so the scope's end releases its storage.
    let state: unknown;
    deviceRuntime(cpuDevice).step(() => {
      state = opt.init(params);
      return 0;
    });
    expect(() => opt.update(params, state as ReturnType<typeof opt.init>, params)).toThrow("adam: this tensor's CPU memory was released");
  });
  it("a state tensor of another shape than the gradient is an error naming both", () => {
    const g = fromTyped(new Float32Array(6), [2, 3]), p = fromTyped(new Float32Array(6), [2, 3]), m = fromTyped(new Float32Array(6), [3, 2]);
    const k = { l2: false, negate: false, amsgrad: false, weightDecay: 0, beta1: 0.9, gradCoef: 0.1, beta2: 0.999, bc2Sqrt: 1, eps: 1e-8, negStepSize: -1e-3, decay: null };
    expect(() => fusedAdamStep(g, p, { m, v: p, vmax: null }, k)).toThrow("adam: a state or parameter tensor has shape [3, 2] but the gradient has shape [2, 3]");
  });
});
