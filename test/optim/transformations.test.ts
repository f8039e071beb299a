// Composition and purity of the gradient transformations (chain, paramGroups, clipping, lr overrides) and their error messages.
import { describe, expect, it } from "vitest";
import {
  type Tensor, type GradientTransformation, tensor, scalar, zeros, sgd, adam, adamw, rmsprop, adagrad, chain, applyUpdates, paramGroups,
  clipGradNorm, clipGradValue, clipGradsByNorm, clipGradsByValue, exponentialLR, treeLeaves,
} from "../../src/index.js";
import { expectClose } from "../_harness.js";

const params = { fc: { weight: tensor([[1, -2], [3, 0.5]]), bias: tensor([0.1, -0.2]) } };
const grads = { fc: { weight: tensor([[0.3, -4], [2, 1]]), bias: tensor([-1, 0.5]) } };
const values = (tree: unknown): number[][] => treeLeaves(tree).map((t) => Array.from(t.dataSync()));

describe("chain", () => {
  it("applies transformations left to right", () => {
    // clip then SGD(lr 2) moves by -2·clip(g); SGD(lr 2) then clip moves by clip(-2g) = -clip(g): the order shows.
    const clipFirst = chain(clipGradNorm(1), sgd({ lr: 2 }));
    const sgdFirst = chain(sgd({ lr: 2 }), clipGradNorm(1));
    const a = clipFirst.update(grads, clipFirst.init(params), params).updates;
    const b = sgdFirst.update(grads, sgdFirst.init(params), params).updates;
    const clipped = clipGradsByNorm(grads, 1).grads;
    expectClose(a.fc.weight, clipped.fc.weight.mul(-2), { atol: 1e-7, rtol: 1e-6 });
    expectClose(b.fc.weight, clipped.fc.weight.neg(), { atol: 1e-7, rtol: 1e-6 });
  });

  it("keeps one state per transformation and threads the step count", () => {
    const opt = chain(clipGradValue(1), adam({ lr: 0.1 }));
    const s0 = opt.init(params);
    expect(s0.length).toBe(2);
    expect(s0[1].count).toBe(0);
    const s1 = opt.update(grads, s0, params).state;
    expect(s1[1].count).toBe(1);
  });

  it("rejects a state of the wrong shape", () => {
    const opt = chain(clipGradValue(1), sgd({ lr: 0.1 }));
    expect(() => opt.update(grads, [{}] as never, params)).toThrow("chain: state must be an array of 2 states");
    expect(() => chain()).toThrow("chain: needs at least one transformation");
  });
});

describe("purity", () => {
  const optimizers: Record<string, GradientTransformation<unknown>> = {
    sgd: sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.1 }),
    adam: adam({ lr: 0.1, amsgrad: true }),
    adamw: adamw({ lr: 0.1 }),
    rmsprop: rmsprop({ centered: true, momentum: 0.5 }),
    adagrad: adagrad({ initialAccumulatorValue: 0.1 }),
  };
  for (const [name, opt] of Object.entries(optimizers))
    it(`${name} never mutates its state, params or grads, and is deterministic`, () => {
      const s0 = opt.init(params);
      const before = JSON.stringify({ s: values(s0), count: (s0 as { count: number }).count, p: values(params), g: values(grads) });
      const r1 = opt.update(grads, s0, params);
      const r2 = opt.update(grads, s0, params);
      expect(JSON.stringify({ s: values(s0), count: (s0 as { count: number }).count, p: values(params), g: values(grads) })).toBe(before);
      expect(Object.isFrozen(s0) && Object.isFrozen(r1.state)).toBe(true);
      expect(values(r1.updates)).toEqual(values(r2.updates));
      expect(values(r1.state)).toEqual(values(r2.state));
      expect((r1.state as { count: number }).count).toBe(1);
    });
});

describe("learning rate", () => {
  it("evaluates a schedule at the optimizer's step count, and a per-call override replaces it", () => {
    const opt = sgd({ lr: exponentialLR({ lr: 1, gamma: 0.5 }) });
    let state = opt.init(params);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = opt.update(grads, state, params);
      seen.push(r.updates.fc.bias.dataSync()[0]!); // the bias grad is -1, so the update is the lr
      state = r.state;
    }
    expect(seen).toEqual([1, 0.5, 0.25]);
    const over = opt.update(grads, state, params, { lr: 0.1 }).updates.fc.bias.dataSync()[0]!;
    expect(over).toBeCloseTo(0.1, 7);
  });

  it("rejects a negative or non-finite learning rate from a schedule or an override", () => {
    const opt = sgd({ lr: () => -0.5 });
    expect(() => opt.update(grads, opt.init(params), params)).toThrow("sgd: lr must be a non-negative number, got -0.5 (schedule at step 0)");
    const plain = adam();
    expect(() => plain.update(grads, plain.init(params), params, { lr: Number.NaN })).toThrow("adam: lr must be a non-negative number, got NaN (per-call override)");
  });
});

describe("paramGroups", () => {
  const groups = paramGroups([
    { select: "*.weight", optimizer: sgd({ lr: 1, weightDecay: 0.5 }) },
    { select: (_path, p) => p.ndim === 1, optimizer: sgd({ lr: 10 }) },
  ]);

  it("applies each group's optimizer to its own leaves, keyed by full path", () => {
    const s = groups.init(params);
    expect(Object.keys(s[0].momentumBuffer)).toEqual([]);
    const { updates, state } = groups.update(grads, s, params);
    expectClose(updates.fc.weight, grads.fc.weight.add(params.fc.weight.mul(0.5)).neg());
    expectClose(updates.fc.bias, grads.fc.bias.mul(-10));
    expect([state[0].count, state[1].count]).toEqual([1, 1]);
    const adamGroups = paramGroups([{ select: /weight/, optimizer: adam() }, { select: /bias/, optimizer: adam() }]);
    expect(Object.keys(adamGroups.init(params)[0].expAvg)).toEqual(["fc.weight"]);
  });

  it("names leaves in no group or in several", () => {
    const partial = paramGroups([{ select: "*.weight", optimizer: sgd({ lr: 1 }) }]);
    expect(() => partial.init(params)).toThrow("paramGroups: every param must belong to exactly one group; in no group: fc.bias");
    const overlapping = paramGroups([{ select: "fc.*", optimizer: sgd({ lr: 1 }) }, { select: "*.bias", optimizer: sgd({ lr: 1 }) }]);
    expect(() => overlapping.init(params)).toThrow("in several groups: fc.bias (groups 0, 1)");
    expect(() => paramGroups([])).toThrow("paramGroups: needs a non-empty array of groups");
    expect(() => paramGroups([{ select: 3 as never, optimizer: sgd({ lr: 1 }) }])).toThrow("paramGroups: group 0's select must be a glob string, a RegExp or a function, got 3");
  });

  it("globs match like fnmatch: * spans dots, ? is one character, other characters are literal", () => {
    const tree = { "features": [{ weight: zeros([1]) }, { weight: zeros([1]) }], "a+b": zeros([1]) };
    const g = paramGroups([
      { select: "*.weight", optimizer: sgd({ lr: 1 }) },
      { select: "a+?", optimizer: sgd({ lr: 2 }) },
    ]);
    expect(g.init(tree).length).toBe(2);
  });
});

describe("clipping", () => {
  it("clipGradsByNorm returns the total norm and scales by maxNorm / (norm + 1e-6)", () => {
    const { grads: clipped, totalNorm } = clipGradsByNorm(grads, 1);
    const n = Math.hypot(0.3, -4, 2, 1, -1, 0.5);
    expect(totalNorm.item()).toBeCloseTo(n, 5);
    expectClose(clipped.fc.weight, grads.fc.weight.mul(1 / (n + 1e-6)), { atol: 1e-7, rtol: 1e-6 });
    // Below the threshold the grads are multiplied by exactly 1.
    expect(values(clipGradsByNorm(grads, 100).grads)).toEqual(values(grads));
    expect(clipGradsByNorm({}, 1).totalNorm.item()).toBe(0);
    expect(clipGradsByNorm(grads, 1, { normType: Infinity }).totalNorm.item()).toBe(4);
  });

  it("clipGradsByValue clamps elementwise", () => {
    expect(values(clipGradsByValue(grads, 1))).toEqual([[0.30000001192092896, -1, 1, 1], [-1, 0.5]]);
  });

  it("validates its options", () => {
    expect(() => clipGradNorm(-1)).toThrow("clipGradNorm: maxNorm must be a non-negative number, got -1");
    expect(() => clipGradNorm(1, { normType: 0 })).toThrow("clipGradNorm: normType must be a positive number or Infinity, got 0");
    expect(() => clipGradsByNorm(grads, Number.NaN)).toThrow("clipGradsByNorm: maxNorm must be a non-negative number, got NaN");
    expect(() => clipGradValue(-0.1)).toThrow("clipGradValue: clipValue must be a non-negative number, got -0.1");
    expect(() => clipGradsByValue(grads, -1)).toThrow("clipGradsByValue: clipValue must be a non-negative number, got -1");
  });
});

describe("errors", () => {
  it("rejects bad options as torch.optim does", () => {
    expect(() => sgd({ lr: -0.1 })).toThrow("sgd: lr must be a non-negative number, got -0.1");
    expect(() => sgd({ lr: 0.1, momentum: -1 })).toThrow("sgd: momentum must be a non-negative number, got -1");
    expect(() => sgd({ lr: 0.1, nesterov: true })).toThrow("sgd: nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0 and dampening 0");
    expect(() => adam({ betas: [1, 0.999] })).toThrow("adam: betas[0] must be in [0, 1), got 1");
    expect(() => adamw({ betas: [0.9, -0.1] })).toThrow("adamw: betas[1] must be in [0, 1), got -0.1");
    expect(() => adam({ eps: -1e-8 })).toThrow("adam: eps must be a non-negative number, got -1e-8");
    expect(() => adamw({ weightDecay: -1 })).toThrow("adamw: weightDecay must be a non-negative number, got -1");
    expect(() => rmsprop({ alpha: -0.5 })).toThrow("rmsprop: alpha must be a non-negative number, got -0.5");
    expect(() => adagrad({ lrDecay: -1 })).toThrow("adagrad: lrDecay must be a non-negative number, got -1");
    expect(() => adagrad({ initialAccumulatorValue: -1 })).toThrow("adagrad: initialAccumulatorValue must be a non-negative number, got -1");
  });

  it("names mismatched trees and shapes", () => {
    const opt = adam();
    const state = opt.init(params);
    const other = { fc: { weight: grads.fc.weight, b: grads.fc.bias } };
    expect(() => opt.update(other, state, params as never)).toThrow("adam: params and grads differ in structure: grads has 2 leaves, params 2; only in grads: fc.b; only in params: fc.bias");
    const small = { fc: { weight: grads.fc.weight, bias: tensor([1]) } };
    expect(() => opt.update(small, state, small)).toThrow("adam: state.expAvg leaf fc.bias has shape [2] but in grads it has shape [1]");
    expect(() => opt.update(grads, { count: 0 } as never, params)).toThrow("adam: state.expAvg and grads differ in structure: grads has 2 leaves, state.expAvg 0");
    expect(() => sgd({ lr: 1 }).update(grads, {} as never, params)).toThrow("sgd: state must come from sgd(...).init(params)");
    expect(() => applyUpdates(params, { fc: { weight: grads.fc.weight } } as never)).toThrow("applyUpdates: updates and params differ in structure: params has 2 leaves, updates 1; only in params: fc.bias; only in updates: none");
    expect(() => applyUpdates({ w: scalar(1) }, { w: scalar(1, { dtype: "int32" }) })).toThrow("applyUpdates: param w is float32 but its update is int32");
    const reordered = { fc: { bias: grads.fc.bias, weight: grads.fc.weight } };
    expect(() => sgd({ lr: 1 }).update(reordered, sgd({ lr: 1 }).init(params), params)).toThrow("sgd: params and grads differ in structure: the same 2 paths in a different order");
    const groups = paramGroups([{ select: "*", optimizer: sgd({ lr: 1 }) }]);
    expect(() => groups.update(other, groups.init(params), params as never)).toThrow("paramGroups: grads and params differ in structure");
  });

  it("applyUpdates adds leaf by leaf", () => {
    const out = applyUpdates(params, grads);
    expectClose(out.fc.bias, tensor([-0.9, 0.3]));
    const single: Tensor = applyUpdates(scalar(1), scalar(2));
    expect(single.item()).toBe(3);
  });
});
