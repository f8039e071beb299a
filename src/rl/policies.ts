// Actor-critic policies as CleanRL builds them: tanh MLPs with orthogonal init, a categorical head for Discrete actions and a state-independent Gaussian for Box actions.
import type { Tensor } from "../ops/Tensor.js";
import { add, exp, mul, neg, square, sub, div } from "../ops/elementwise.js";
import { logSoftmax } from "../ops/activation.js";
import { sum } from "../ops/reduce.js";
import { expand } from "../ops/layout.js";
import { zeros } from "../ops/creation.js";
import { split, type Key } from "../ops/random.js";
import { linear } from "../nn/linear.js";
import { tanh as tanhLayer } from "../nn/activations.js";
import { sequential } from "../nn/sequential.js";
import { orthogonal, constant } from "../nn/init.js";
import type { Module, Params } from "../nn/Module.js";
import { flatSize, type Space } from "./spaces.js";

/** The trained variables of an actor-critic: the two MLPs' params and, for Gaussian policies, the log standard deviations. */
export interface AgentParams {
  readonly actor: Params;
  readonly critic: Params;
  /** [1, actionSize] log σ, learned but independent of the state (CleanRL's actor_logstd); absent for categorical policies. */
  readonly logStd?: Tensor;
}

/** An actor-critic's architecture: which head, the sizes, and the two networks. */
export interface ActorCritic {
  readonly kind: "categorical" | "gaussian";
  readonly observationSize: number;
  /** Number of discrete actions (categorical), or the action vector's length (Gaussian). */
  readonly actionSize: number;
  readonly hidden: readonly number[];
  readonly actor: Module;
  readonly critic: Module;
  init(key: Key): AgentParams;
}

export interface ActorCriticOptions {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Widths of the hidden tanh layers (CleanRL: [64, 64]). */
  readonly hidden?: readonly number[];
}

const mlp = (sizes: readonly number[]): Module =>
  sequential(sizes.slice(1).flatMap((out, i) => {
    const layer = linear({ inFeatures: sizes[i]!, outFeatures: out });
    return i < sizes.length - 2 ? [layer, tanhLayer()] : [layer];
  }));

/** CleanRL's layer_init: orthogonal weights with gain √2 (the output layer: `lastGain`), zero biases. */
const orthogonalInit = (sizes: readonly number[], key: Key, lastGain: number): Params => {
  const layers = sizes.length - 1;
  const keys = split(key, layers);
  const out: Record<string, Params> = {};
  for (let i = 0; i < layers; i++) {
    const gain = i === layers - 1 ? lastGain : Math.SQRT2;
    out[String(2 * i)] = { weight: orthogonal({ gain })(keys[i]!, [sizes[i + 1]!, sizes[i]!]), bias: constant(0)(keys[i]!, [sizes[i + 1]!]) };
  }
  return out;
};

/**
 * An actor-critic for the given spaces: separate tanh MLPs for the policy and the value, initialised as CleanRL's
 * ppo.py (orthogonal, gain √2; policy output 0.01, value output 1).
 * @example
 * const agent = actorCritic({ observationSpace: env.observationSpace, actionSpace: env.actionSpace });
 * const params = agent.init(key(1));
 */
export const actorCritic = ({ observationSpace, actionSpace, hidden = [64, 64] }: ActorCriticOptions): ActorCritic => {
  if (observationSpace.kind !== "box") throw new Error(`actorCritic: the observation space must be a Box, got Discrete(${observationSpace.n})`);
  const kind = actionSpace.kind === "discrete" ? "categorical" : "gaussian";
  const observationSize = flatSize(observationSpace);
  const actionSize = actionSpace.kind === "discrete" ? actionSpace.n : flatSize(actionSpace);
  const actorSizes = [observationSize, ...hidden, actionSize];
  const criticSizes = [observationSize, ...hidden, 1];
  const actor = mlp(actorSizes);
  const critic = mlp(criticSizes);
  return {
    kind, observationSize, actionSize, hidden, actor, critic,
    init: (key) => {
      const [ka, kc] = split(key);
      const params = { actor: orthogonalInit(actorSizes, ka!, 0.01), critic: orthogonalInit(criticSizes, kc!, 1.0) };
      return kind === "gaussian" ? { ...params, logStd: zeros([1, actionSize]) } : params;
    },
  };
};

/** The policy's distribution for a batch of observations: categorical log-probabilities, or a Gaussian's mean and log σ. */
export type Distribution =
  | { readonly kind: "categorical"; readonly logProbs: Tensor }
  | { readonly kind: "gaussian"; readonly mean: Tensor; readonly logStd: Tensor };

/** π(·|s) for observations [B, observationSize]. */
export const distribution = (agent: ActorCritic, params: AgentParams, observations: Tensor): Distribution => {
  const out = agent.actor.forward(params.actor, observations);
  if (agent.kind === "categorical") return { kind: "categorical", logProbs: logSoftmax(out, -1) };
  if (!params.logStd) throw new Error("distribution: a Gaussian policy's params need logStd ([1, actionSize])");
  return { kind: "gaussian", mean: out, logStd: expand(params.logStd, out.shape) };
};

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log π(a|s) per row; `actions` is a one-hot [B, n] float tensor (categorical) or the actions [B, d] (Gaussian). */
export const logProbOf = (d: Distribution, actions: Tensor): Tensor => {
  if (d.kind === "categorical") return sum(mul(d.logProbs, actions), -1);
  // log N(a; μ, σ) = −(a − μ)² / (2σ²) − log σ − log √(2π), summed over the action's elements.
  const z = div(sub(actions, d.mean), exp(d.logStd));
  return sum(sub(sub(mul(square(z), -0.5), d.logStd), LOG_SQRT_2PI), -1);
};

/** The entropy of π(·|s) per row. */
export const entropyOf = (d: Distribution): Tensor =>
  d.kind === "categorical" ? neg(sum(mul(exp(d.logProbs), d.logProbs), -1)) : sum(add(d.logStd, 0.5 + LOG_SQRT_2PI), -1);

/** V(s) per row, [B]. */
export const valueOf = (agent: ActorCritic, params: AgentParams, observations: Tensor): Tensor => {
  const v = agent.critic.forward(params.critic, observations);
  return v.reshape([v.shape[0]!]);
};
