// PPO's learning step (Schulman et al. 2017, as CleanRL's ppo.py): clipped surrogate, clipped value loss, entropy bonus, minibatch epochs, global grad-norm clipping.
import { defer, map, type OperatorFunction } from "rxjs";
import type { Tensor } from "../ops/Tensor.js";
import { abs, clamp, exp, gt, maximum, mul, neg, square, sub, add, cast } from "../ops/elementwise.js";
import { mean } from "../ops/reduce.js";
import { fromTyped } from "../ops/creation.js";
import { foldIn, type Key } from "../ops/random.js";
import { valueAndGrad } from "../graph/grad.js";
import { applyUpdates, chain, type GradientTransformation } from "../optim/GradientTransformation.js";
import { adam } from "../optim/adam.js";
import { clipGradNorm } from "../optim/clip.js";
import { uniforms } from "./Env.js";
import { gae, normalizeAdvantages } from "./advantages.js";
import type { Rollout } from "./rollouts.js";
import { distribution, entropyOf, logProbOf, valueOf, type ActorCritic, type AgentParams } from "./policies.js";

/** PPO's hyperparameters (CleanRL's names in camelCase). */
export interface PpoHyperparameters {
  readonly learningRate: number;
  readonly annealLr: boolean;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly numMinibatches: number;
  readonly updateEpochs: number;
  readonly normAdv: boolean;
  readonly clipCoef: number;
  readonly clipVloss: boolean;
  readonly entCoef: number;
  readonly vfCoef: number;
  readonly maxGradNorm: number;
  /** Stop the epochs early when the approximate KL exceeds this (off by default). */
  readonly targetKl?: number;
  /** Number of updates over the whole run, for learning-rate annealing. */
  readonly numIterations: number;
}

/** A rollout with its advantages and value targets. */
export interface AdvantagedRollout extends Rollout {
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
}

/**
 * The operator adding GAE advantages and value targets to each rollout (truncated episodes bootstrapped from their final observation's value).
 * @example
 * rollouts$.pipe(withAdvantages({ gamma: 0.99, lambda: 0.95 }))
 */
export const withAdvantages = ({ gamma = 0.99, lambda = 0.95 }: { gamma?: number; lambda?: number } = {}): OperatorFunction<Rollout, AdvantagedRollout> =>
  map((r) => ({ ...r, ...gae({ numEnvs: r.numEnvs, rewards: r.rewards, values: r.values, terminated: r.terminated, truncated: r.truncated, finalValues: r.finalValues, lastValues: r.lastValues, gamma, lambda }) }));

/** The learner's state: params, optimizer state, how many updates were made, and its key (minibatch shuffles). */
export interface LearnerState {
  readonly params: AgentParams;
  readonly optState: unknown;
  readonly iteration: number;
  readonly key: Key;
}

/** What one update reports (means over its minibatches; CleanRL's TensorBoard scalars). */
export interface PpoLosses {
  readonly learning_rate: number;
  readonly value_loss: number;
  readonly policy_loss: number;
  readonly entropy: number;
  readonly old_approx_kl: number;
  readonly approx_kl: number;
  readonly clip_fraction: number;
  readonly explained_variance: number;
}

/** The optimizer PPO uses: global grad-norm clipping, then Adam with ε = 1e-5 (CleanRL's). */
export const ppoOptimizer = (h: Pick<PpoHyperparameters, "learningRate" | "maxGradNorm">): GradientTransformation<unknown> =>
  chain(clipGradNorm(h.maxGradNorm), adam({ lr: h.learningRate, eps: 1e-5 })) as GradientTransformation<unknown>;

/** The fresh learner for `params`. */
export const ppoLearner = (params: AgentParams, h: Pick<PpoHyperparameters, "learningRate" | "maxGradNorm">, key: Key): LearnerState =>
  ({ params, optState: ppoOptimizer(h).init(params), iteration: 0, key });

/** 1 − Var(y − ŷ) / Var(y) (NaN when the targets do not vary), how much of the returns' spread the value function explains. */
export const explainedVariance = (predicted: ArrayLike<number>, targets: ArrayLike<number>): number => {
  const n = targets.length;
  const meanOf = (f: (i: number) => number) => { let s = 0; for (let i = 0; i < n; i++) s += f(i); return s / n; };
  const my = meanOf((i) => targets[i]!);
  const vy = meanOf((i) => (targets[i]! - my) ** 2);
  const md = meanOf((i) => targets[i]! - predicted[i]!);
  const vd = meanOf((i) => (targets[i]! - predicted[i]! - md) ** 2);
  return vy === 0 ? NaN : 1 - vd / vy;
};

interface Minibatch {
  readonly observations: Tensor;
  readonly actions: Tensor;
  readonly oldLogProbs: Tensor;
  readonly advantages: Tensor;
  readonly returns: Tensor;
  readonly oldValues: Tensor;
}

/** The PPO loss of one minibatch, with the diagnostics CleanRL logs as aux. */
export const ppoLoss = (agent: ActorCritic, h: Pick<PpoHyperparameters, "clipCoef" | "clipVloss" | "entCoef" | "vfCoef">) =>
  (params: AgentParams, mb: Minibatch): readonly [Tensor, Record<string, Tensor>] => {
    const d = distribution(agent, params, mb.observations);
    const newLogProbs = logProbOf(d, mb.actions);
    const entropy = mean(entropyOf(d));
    const logRatio = sub(newLogProbs, mb.oldLogProbs);
    const ratio = exp(logRatio);
    const c = h.clipCoef;
    const pgLoss = mean(maximum(mul(neg(mb.advantages), ratio), mul(neg(mb.advantages), clamp(ratio, { min: 1 - c, max: 1 + c }))));
    const v = valueOf(agent, params, mb.observations);
    const unclipped = square(sub(v, mb.returns));
    const vLoss = h.clipVloss
      ? mul(mean(maximum(unclipped, square(sub(add(mb.oldValues, clamp(sub(v, mb.oldValues), { min: -c, max: c })), mb.returns)))), 0.5)
      : mul(mean(unclipped), 0.5);
    const loss = add(sub(pgLoss, mul(entropy, h.entCoef)), mul(vLoss, h.vfCoef));
    const aux = {
      policy_loss: pgLoss, value_loss: vLoss, entropy,
      old_approx_kl: mean(neg(logRatio)),
      approx_kl: mean(sub(sub(ratio, 1), logRatio)),
      clip_fraction: mean(cast(gt(abs(sub(ratio, 1)), c), "float32")),
    };
    return [loss, aux] as const;
  };

/** A random permutation of 0 … n − 1 from a key (sorting uniform numbers). */
const permutation = (key: Key, n: number): Int32Array => {
  const u = uniforms(key, n);
  return Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]!));
};

const gatherRows = (src: ArrayLike<number>, width: number, idx: Int32Array): Float32Array => {
  const out = new Float32Array(idx.length * width);
  idx.forEach((r, k) => { for (let j = 0; j < width; j++) out[k * width + j] = src[r * width + j]!; });
  return out;
};

/**
 * One PPO update from a rollout with advantages: `updateEpochs` passes over the batch in shuffled minibatches, each a
 * gradient step on the clipped objective; the learning rate is annealed linearly to 0 over `numIterations`.
 */
export const ppoUpdateStep = (agent: ActorCritic, h: PpoHyperparameters, learner: LearnerState, r: AdvantagedRollout): { learner: LearnerState; losses: PpoLosses } => {
  const iteration = learner.iteration + 1;
  const lr = h.annealLr ? (1 - (iteration - 1) / h.numIterations) * h.learningRate : h.learningRate;
  const batch = r.numSteps * r.numEnvs;
  const mbSize = Math.floor(batch / h.numMinibatches);
  if (mbSize < 2) throw new Error(`ppoUpdate: a batch of ${batch} transitions in ${h.numMinibatches} minibatches leaves fewer than 2 per minibatch`);
  const opt = ppoOptimizer(h);
  const lossGrad = valueAndGrad(ppoLoss(agent, h), { hasAux: true });
  // Categorical actions go in as one-hot rows, so log π(a|s) is a masked sum (no integer gather needed).
  const width = agent.kind === "categorical" ? agent.actionSize : r.actionWidth;
  const actions = agent.kind === "categorical" ? new Float32Array(batch * width) : r.actions;
  if (agent.kind === "categorical") for (let k = 0; k < batch; k++) actions[k * width + r.actions[k]!] = 1;
  let { params, optState } = learner;
  const sums: Record<string, number> = {};
  let count = 0;
  let stop = false;
  for (let epoch = 0; epoch < h.updateEpochs && !stop; epoch++) {
    const perm = permutation(foldIn(learner.key, iteration * 1000 + epoch), batch);
    for (let start = 0; start + mbSize <= batch; start += mbSize) {
      const idx = perm.subarray(start, start + mbSize);
      const adv = gatherRows(r.advantages, 1, idx);
      const mb: Minibatch = {
        observations: fromTyped(gatherRows(r.observations, r.observationSize, idx), [mbSize, r.observationSize]),
        actions: fromTyped(gatherRows(actions, width, idx), [mbSize, width]),
        oldLogProbs: fromTyped(gatherRows(r.logProbs, 1, idx), [mbSize]),
        advantages: fromTyped(h.normAdv ? normalizeAdvantages(adv) : adv, [mbSize]),
        returns: fromTyped(gatherRows(r.returns, 1, idx), [mbSize]),
        oldValues: fromTyped(gatherRows(r.values, 1, idx), [mbSize]),
      };
      const [[, aux], grads] = lossGrad(params, mb);
      const u = opt.update(grads, optState, params, { lr });
      params = applyUpdates(params, u.updates);
      optState = u.state;
      for (const [k, t] of Object.entries(aux)) sums[k] = (sums[k] ?? 0) + t.item();
      count++;
    }
    if (h.targetKl !== undefined && sums.approx_kl! / count > h.targetKl) stop = true;
  }
  const avg = (k: string) => sums[k]! / count;
  return {
    learner: { params, optState, iteration, key: learner.key },
    losses: {
      learning_rate: lr, value_loss: avg("value_loss"), policy_loss: avg("policy_loss"), entropy: avg("entropy"),
      old_approx_kl: avg("old_approx_kl"), approx_kl: avg("approx_kl"), clip_fraction: avg("clip_fraction"),
      explained_variance: explainedVariance(r.values, r.returns),
    },
  };
};

/**
 * The learner as an operator: each rollout in, the updated learner and its losses out (a scan over LearnerState).
 * @example
 * rollouts$.pipe(withAdvantages(), ppoUpdate(agent, hyper, learner0))
 */
export const ppoUpdate = (agent: ActorCritic, h: PpoHyperparameters, initial: LearnerState): OperatorFunction<AdvantagedRollout, { learner: LearnerState; losses: PpoLosses; rollout: AdvantagedRollout }> =>
  (source) => defer(() => {
    let learner = initial;
    return source.pipe(map((r) => {
      const out = ppoUpdateStep(agent, h, learner, r);
      learner = out.learner;
      return { ...out, rollout: r };
    }));
  });
