// The optimizers' shortened update paths (sgd's, adam's) give bit-for-bit the values of the longer formula they replace.
import { describe, expect, it } from "vitest";
import { adam, adamw, add, div, key, mul, neg, randn, sgd, split, sqrt, sub, tensor, type Tensor } from "../../src/index.js";

const [kp, kg] = split(key(5));
const params = { w: randn(kp!, [7, 3]) };
const grads = { w: randn(kg!, [7, 3]) };
const vals = (t: Tensor): number[] => Array.from(t.dataSync());

describe("sgd fast paths", () => {
  it("maximize without momentum or weight decay is the descent update of −g, exactly", () => {
    const up = sgd({ lr: 0.37, maximize: true });
    const down = sgd({ lr: 0.37 });
    const a = up.update(grads, up.init(params), params).updates.w;
    const b = down.update({ w: neg(grads.w) }, down.init(params), params).updates.w;
    expect(vals(a)).toEqual(vals(b));
    expect(vals(a)).toEqual(vals(mul(grads.w, 0.37)));
  });
  it("momentum without dampening keeps the buffer b·μ + g (the skipped g·1 changes no bit)", () => {
    const opt = sgd({ lr: 0.1, momentum: 0.9 });
    const s1 = opt.update(grads, opt.init(params), params).state;
    const g2 = { w: mul(grads.w, -0.5) };
    const s2 = opt.update(g2, s1, params).state;
    const b1 = (s1.momentumBuffer as { w: Tensor }).w, b2 = (s2.momentumBuffer as { w: Tensor }).w;
    const expected = vals(b1).map((b, i) => Math.fround(Math.fround(b * Math.fround(0.9)) + vals(g2.w)[i]!));
    expect(vals(b2)).toEqual(expected);
  });
});

// Adam's update as the full formula computes it (torch's operation order, one rivulet op per torch op), for comparison.
const adamReference = (
  g0: Tensor, p: Tensor, m0: Tensor, v0: Tensor,
  { lr, betas: [b1, b2], eps, weightDecay: wd, decoupled, maximize, step }:
    { lr: number; betas: [number, number]; eps: number; weightDecay: number; decoupled: boolean; maximize: boolean; step: number },
) => {
  let g = maximize ? neg(g0) : g0;
  if (wd !== 0 && !decoupled) g = add(g, mul(p, wd));
  const m = add(mul(m0, b1), mul(g, 1 - b1));
  const v = add(mul(v0, b2), mul(mul(g, 1 - b2), g));
  const denom = add(div(sqrt(v), Math.sqrt(1 - b2 ** step)), eps);
  const delta = div(mul(m, -lr / (1 - b1 ** step)), denom);
  return { m, v, update: wd !== 0 && decoupled ? add(sub(mul(p, 1 - lr * wd), p), delta) : delta };
};

describe("adam fast paths give the full formula's bits", () => {
  const [k1, k2, k3, k4] = split(key(9), 4);
  // Random values plus zeros of both signs, a subnormal and large values, in the gradient and the params.
  const edgy = (k: typeof k1): Tensor => tensor([0, -0, 1e-45, -3e30, 7, ...Array.from(randn(k!, [16]).dataSync())], { shape: [7, 3] });
  const p = edgy(k1), g = edgy(k2);
  const m = randn(k3!, [7, 3]), v = mul(randn(k4!, [7, 3]), randn(k4!, [7, 3])).abs();
  const run = (make: typeof adam, o: { lr: number; weightDecay: number; maximize: boolean }, count: number, decoupled: boolean) => {
    const opt = make({ lr: o.lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: o.weightDecay, maximize: o.maximize });
    const r = opt.update({ w: g }, { count, expAvg: { w: m }, expAvgSq: { w: v }, maxExpAvgSq: {} }, { w: p });
    const ref = adamReference(g, p, m, v, { lr: o.lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: o.weightDecay, decoupled, maximize: o.maximize, step: count + 1 });
    expect(vals((r.updates as { w: Tensor }).w)).toEqual(vals(ref.update));
    expect(vals((r.state.expAvg as { w: Tensor }).w)).toEqual(vals(ref.m));
    expect(vals((r.state.expAvgSq as { w: Tensor }).w)).toEqual(vals(ref.v));
  };
  it("maximize folds −g into the moment coefficients (adam, adamw; with adam's L2 term the negation stays)", () => {
    for (const count of [0, 5]) {
      run(adamw, { lr: 0.01, weightDecay: 0.1, maximize: true }, count, true);
      run(adam, { lr: 0.01, weightDecay: 0, maximize: true }, count, false);
      run(adam, { lr: 0.01, weightDecay: 0.1, maximize: true }, count, false);
    }
  });
  it("late steps skip the division by √(1 − β2^step) once it is exactly 1", () => {
    expect(Math.sqrt(1 - 0.999 ** 37000)).toBeLessThan(1);
    expect(Math.sqrt(1 - 0.999 ** 40001)).toBe(1);
    for (const count of [36999, 40000]) {
      run(adamw, { lr: 0.01, weightDecay: 0.1, maximize: false }, count, true);
      run(adam, { lr: 0.01, weightDecay: 0.1, maximize: false }, count, false);
    }
  });
});
