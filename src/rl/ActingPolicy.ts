// The acting policy: a frozen snapshot of an actor-critic's params evaluated in plain JavaScript, kept apart from the params being trained.
import { randn, type Key, split } from "../ops/random.js";
import { treeLeavesWithPaths } from "../graph/pytree.js";
import type { Params } from "../nn/Module.js";
import { uniforms } from "./Env.js";
import type { ActorCritic, AgentParams } from "./policies.js";

/** A dense layer's weights copied out of the tensors: y = W·x + b, W row-major [out, in]. */
export interface DenseLayer {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/**
 * A snapshot of the policy used to act: plain arrays (no autodiff, no tensors), so acting stays cheap per step and
 * could run in another worker or process; the learner publishes a new one after each update.
 */
export interface ActingPolicy {
  readonly kind: "categorical" | "gaussian";
  readonly observationSize: number;
  readonly actionSize: number;
  readonly actor: readonly DenseLayer[];
  readonly critic: readonly DenseLayer[];
  readonly logStd?: Float32Array;
}

/** The dense layers of a sequential MLP's params (`0.weight`, `0.bias`, `2.weight`, …) as plain arrays, in order. */
export const denseLayers = (params: Params): DenseLayer[] => {
  const leaves = treeLeavesWithPaths(params);
  const byLayer = new Map<string, { weight?: Float32Array; bias?: Float32Array; shape?: readonly number[] }>();
  for (const { path, tensor } of leaves) {
    const dot = path.lastIndexOf(".");
    const entry = byLayer.get(path.slice(0, dot)) ?? {};
    if (path.endsWith(".weight")) byLayer.set(path.slice(0, dot), { ...entry, weight: Float32Array.from(tensor.dataSync()), shape: tensor.shape });
    else byLayer.set(path.slice(0, dot), { ...entry, bias: Float32Array.from(tensor.dataSync()) });
  }
  return [...byLayer.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([name, l]) => {
      if (!l.weight || !l.bias || !l.shape) throw new Error(`actingPolicy: layer ${name} needs a weight and a bias`);
      return { weight: l.weight, bias: l.bias, outFeatures: l.shape[0]!, inFeatures: l.shape[1]! };
    });
};

/**
 * A snapshot of `params` to act with.
 * @example
 * const policy = actingPolicy(agent, params);
 * const { actions, logProbs, values } = act(policy, observations, key(3));
 */
export const actingPolicy = (agent: ActorCritic, params: AgentParams): ActingPolicy => ({
  kind: agent.kind,
  observationSize: agent.observationSize,
  actionSize: agent.actionSize,
  actor: denseLayers(params.actor),
  critic: denseLayers(params.critic),
  ...(params.logStd ? { logStd: Float32Array.from(params.logStd.dataSync()) } : {}),
});

/** The MLP on a batch of rows: `activation` (tanh, as `actorCritic` builds it, or relu) between layers, none after the last. */
export const mlpForward = (net: readonly DenseLayer[], x: Float32Array, rows: number, activation: "tanh" | "relu" = "tanh"): Float32Array => {
  let h = x;
  net.forEach((l, li) => {
    const out = new Float32Array(rows * l.outFeatures);
    const last = li === net.length - 1;
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < l.outFeatures; o++) {
        let s = l.bias[o]!;
        const w = o * l.inFeatures;
        const xi = r * l.inFeatures;
        for (let i = 0; i < l.inFeatures; i++) s += l.weight[w + i]! * h[xi + i]!;
        out[r * l.outFeatures + o] = last ? s : activation === "tanh" ? Math.tanh(s) : Math.max(0, s);
      }
    h = out;
  });
  return h;
};

/** What acting on a batch of observations gives: one action per row, its log-probability, and V(s). */
export interface Acted {
  /** Discrete actions as integers, or Box actions as vectors. */
  readonly actions: readonly number[] | readonly Float32Array[];
  /** The actions as numbers, [rows × actionWidth] (actionWidth 1 for discrete actions). */
  readonly actionData: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
}

/** V(s) for each row of `observations`. */
export const policyValues = (policy: ActingPolicy, observations: Float32Array): Float32Array =>
  mlpForward(policy.critic, observations, observations.length / policy.observationSize);

/**
 * Samples an action for each row of `observations` ([rows × observationSize]) from the snapshot, with its log π(a|s) and V(s).
 * `greedy` takes the most likely action (the mean of a Gaussian) instead, for evaluation.
 */
export const act = (policy: ActingPolicy, observations: Float32Array, key: Key, { greedy = false }: { greedy?: boolean } = {}): Acted => {
  const rows = observations.length / policy.observationSize;
  if (!Number.isInteger(rows)) throw new Error(`act: ${observations.length} observation numbers are not whole rows of ${policy.observationSize}`);
  const out = mlpForward(policy.actor, observations, rows);
  const values = mlpForward(policy.critic, observations, rows);
  const n = policy.actionSize;
  const logProbs = new Float32Array(rows);
  if (policy.kind === "categorical") {
    const u = uniforms(key, rows);
    const actions: number[] = [];
    for (let r = 0; r < rows; r++) {
      const logits = out.subarray(r * n, r * n + n);
      const m = Math.max(...logits);
      let z = 0;
      for (const l of logits) z += Math.exp(l - m);
      const lse = m + Math.log(z);
      let a = 0;
      if (greedy) a = logits.indexOf(m);
      else {
        // Inverse CDF: the first action whose cumulative probability exceeds u.
        let c = 0;
        for (a = 0; a < n - 1; a++) {
          c += Math.exp(logits[a]! - lse);
          if (u[r]! < c) break;
        }
      }
      actions.push(a);
      logProbs[r] = logits[a]! - lse;
    }
    return { actions, actionData: Float32Array.from(actions), logProbs, values };
  }
  const logStd = policy.logStd!;
  const eps = greedy ? new Float32Array(rows * n) : randn(split(key)[0]!, [rows, n]).dataSync();
  const actionData = new Float32Array(rows * n);
  const actions: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    let lp = 0;
    for (let j = 0; j < n; j++) {
      const k = r * n + j;
      const z = eps[k] as number;
      actionData[k] = out[k]! + Math.exp(logStd[j]!) * z;
      lp += -0.5 * z * z - logStd[j]! - 0.5 * Math.log(2 * Math.PI);
    }
    logProbs[r] = lp;
    actions.push(actionData.slice(r * n, r * n + n));
  }
  return { actions, actionData, logProbs, values };
};
