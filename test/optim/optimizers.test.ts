// Every optimizer setting replays torch.optim's 20-step trajectory (fixtures from gen_optim.py) within float32 rounding.
import { describe, expect, it } from "vitest";
import {
  type Tensor, type GradientTransformation, tensor, matmul, tanh, add, sub, mul, mean, valueAndGrad, treeLeaves,
  sgd, adam, adamw, rmsprop, adagrad, chain, applyUpdates, paramGroups, clipGradNorm, clipGradValue, clipGradsByNorm,
  stepLR, oneCycleLR,
} from "../../src/index.js";
import { fixtures, initialParams, unflat, type Params } from "./_optimFixtures.js";

const x = tensor(Float32Array.from(fixtures.mlp.x), { shape: [4, 2] });
const y = tensor(Float32Array.from(fixtures.mlp.y), { shape: [4, 1] });
const mlpLoss = (p: Params): Tensor => {
  const h = tanh(add(matmul(x, p[0].weight.T), p[0].bias));
  const d = sub(add(matmul(h, p[1].weight.T), p[1].bias), y);
  return mean(mul(d, d));
};

type Grads = "recorded" | "mlp";
const cases: Record<string, { opt: () => GradientTransformation; grads?: Grads; clip?: { maxNorm: number; normType: number } }> = {
  "sgd": { opt: () => sgd({ lr: 0.1 }) },
  "sgd momentum": { opt: () => sgd({ lr: 0.1, momentum: 0.9 }) },
  "sgd momentum dampening weightDecay": { opt: () => sgd({ lr: 0.05, momentum: 0.9, dampening: 0.5, weightDecay: 0.01 }) },
  "sgd nesterov weightDecay": { opt: () => sgd({ lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-3 }) },
  "sgd maximize momentum": { opt: () => sgd({ lr: 0.05, momentum: 0.5, maximize: true }) },
  "adam": { opt: () => adam({ lr: 0.05 }) },
  "adam amsgrad weightDecay betas": { opt: () => adam({ lr: 0.05, betas: [0.8, 0.9], weightDecay: 0.1, amsgrad: true }) },
  "adam maximize eps": { opt: () => adam({ lr: 0.02, eps: 1e-3, maximize: true }) },
  "adamw": { opt: () => adamw({ lr: 0.05 }) },
  "adamw amsgrad weightDecay": { opt: () => adamw({ lr: 0.05, weightDecay: 0.5, amsgrad: true }) },
  "rmsprop": { opt: () => rmsprop({ lr: 0.01 }) },
  "rmsprop centered momentum weightDecay": { opt: () => rmsprop({ lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 }) },
  "rmsprop momentum alpha maximize": { opt: () => rmsprop({ lr: 0.02, alpha: 0.9, momentum: 0.5, maximize: true }) },
  "adagrad": { opt: () => adagrad({ lr: 0.1 }) },
  "adagrad lrDecay weightDecay initialAccumulator": { opt: () => adagrad({ lr: 0.1, lrDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.1 }) },
  "groups sgd weightDecay on weights": {
    opt: () => paramGroups([
      { select: "*.weight", optimizer: sgd({ lr: 0.1, momentum: 0.9, weightDecay: 0.1 }) },
      { select: "*.bias", optimizer: sgd({ lr: 0.1, momentum: 0.9 }) },
    ]),
  },
  "groups adamw weights adam biases": {
    opt: () => paramGroups([
      { select: /\.weight$/, optimizer: adamw({ lr: 0.05, weightDecay: 0.1 }) },
      { select: (path) => path.endsWith(".bias"), optimizer: adamw({ lr: 0.01, weightDecay: 0 }) },
    ]),
  },
  "clip norm sgd momentum": { opt: () => chain(clipGradNorm(1.0), sgd({ lr: 0.1, momentum: 0.9 })), clip: { maxNorm: 1.0, normType: 2 } },
  "clip inf norm adam": { opt: () => chain(clipGradNorm(0.5, { normType: Infinity }), adam({ lr: 0.05 })), clip: { maxNorm: 0.5, normType: Infinity } },
  "clip 1-norm rmsprop": { opt: () => chain(clipGradNorm(2.0, { normType: 1 }), rmsprop({ lr: 0.01 })), clip: { maxNorm: 2.0, normType: 1 } },
  "clip 3-norm sgd": { opt: () => chain(clipGradNorm(1.5, { normType: 3 }), sgd({ lr: 0.1 })), clip: { maxNorm: 1.5, normType: 3 } },
  "clip value sgd": { opt: () => chain(clipGradValue(0.5), sgd({ lr: 0.1 })) },
  "schedule stepLR sgd momentum": { opt: () => sgd({ lr: stepLR({ lr: 0.1, stepSize: 5, gamma: 0.5 }), momentum: 0.9 }) },
  "schedule oneCycleLR adam": { opt: () => adam({ lr: oneCycleLR({ maxLr: 0.1, totalSteps: 20 }) }) },
  "mlp loss adam": { opt: () => adam({ lr: 0.05 }), grads: "mlp" },
  "mlp loss sgd momentum": { opt: () => sgd({ lr: 0.2, momentum: 0.9 }), grads: "mlp" },
};

const flatOf = (p: Params): number[] => treeLeaves(p).flatMap((t) => Array.from(t.dataSync()));

/**
 * Largest |a - e| / (1 + |e|) over the elements (absolute near 0, relative for large values). Observed ≤ 4e-7 over 20 steps:
 * rivulet rounds each float32 op exactly as torch's scalar path, but torch's vectorised add/addcmul use fused multiply-adds.
 */
const worst = (a: readonly number[], e: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - e[i]!) / (1 + Math.abs(e[i]!))));

describe("optimizers reproduce torch.optim trajectories", () => {
  it("has a rivulet optimizer for every fixture case", () => {
    expect(fixtures.trajectories.map((t) => t.name).sort()).toEqual(Object.keys(cases).sort());
  });

  for (const traj of fixtures.trajectories) {
    it(traj.name, () => {
      const c = cases[traj.name]!;
      const opt = c.opt();
      let params = initialParams();
      let state = opt.init(params);
      let err = 0;
      traj.steps.forEach((expected, t) => {
        const grads = c.grads === "mlp" ? valueAndGrad(mlpLoss)(params)[1] : unflat(fixtures.grads[t]!);
        if (c.clip && traj.totalNorms) {
          const { totalNorm } = clipGradsByNorm(grads, c.clip.maxNorm, { normType: c.clip.normType });
          expect(Math.abs(totalNorm.item() - traj.totalNorms[t]!)).toBeLessThanOrEqual(1e-6 * (1 + traj.totalNorms[t]!));
        }
        const r = opt.update(grads, state, params);
        params = applyUpdates(params, r.updates);
        state = r.state;
        err = Math.max(err, worst(flatOf(params), expected));
      });
      expect(err).toBeLessThanOrEqual(1e-6);
    });
  }
});
