// The observation-normalisation wrapper (Gymnasium's NormalizeObservation): observations scaled by running statistics, optionally clipped.
import type { Action } from "../spaces.js";
import type { Env } from "../Env.js";
import { runningMeanStd, updateRunningMeanStd, type RunningMeanStd } from "../RunningMeanStd.js";

export interface NormalizeObservationOptions {
  /** Clip normalised observations to [−clip, clip] (CleanRL clips to 10); no clipping by default. */
  readonly clip?: number;
  readonly epsilon?: number;
  /** Start from these statistics (e.g. saved with a trained policy). */
  readonly statistics?: RunningMeanStd;
  /** Keep updating the statistics with each observation (default true; false to evaluate with frozen ones). */
  readonly update?: boolean;
}

/** An Env whose running statistics can be read (to save them with a policy). */
export interface NormalizedEnv<O, A extends Action> extends Env<O, A> {
  statistics(): RunningMeanStd;
}

/**
 * `env` with observations (x − mean) / √(var + ε), the statistics updated with every observation seen.
 * @example
 * const env = normalizeObservation(pendulum(), { clip: 10 });
 */
export const normalizeObservation = <A extends Action>(env: Env<Float32Array, A>, { clip = Infinity, epsilon = 1e-8, statistics, update = true }: NormalizeObservationOptions = {}): NormalizedEnv<Float32Array, A> => {
  if (env.observationSpace.kind !== "box") throw new Error(`normalizeObservation: ${env.id} has a ${env.observationSpace.kind} observation space; only Box observations can be normalised`);
  const size = env.observationSpace.low.length;
  if (statistics && statistics.mean.length !== size) throw new Error(`normalizeObservation: statistics of ${statistics.mean.length} numbers for ${env.id}'s observations of ${size}`);
  let stats = statistics ?? runningMeanStd(size);
  const normalize = (obs: Float32Array): Float32Array => {
    if (update) stats = updateRunningMeanStd(stats, obs);
    return obs.map((x, i) => Math.min(clip, Math.max(-clip, (x - stats.mean[i]!) / Math.sqrt(stats.var[i]! + epsilon))));
  };
  return {
    ...env,
    statistics: () => stats,
    reset: (key) => normalize(env.reset(key)),
    step: (action) => {
      const r = env.step(action);
      return { ...r, observation: normalize(r.observation) };
    },
  };
};
