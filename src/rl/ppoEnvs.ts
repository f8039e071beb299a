// CleanRL's make_env for PPO: episode statistics on every copy; for Box actions also action clipping and observation/reward normalisation.
import type { Action } from "./spaces.js";
import type { Env } from "./Env.js";
import { makeEnv } from "./envs/makeEnv.js";
import { recordEpisodeStatistics } from "./wrappers/recordEpisodeStatistics.js";
import { clipAction } from "./wrappers/clipAction.js";
import { normalizeObservation, type NormalizedEnv } from "./wrappers/normalizeObservation.js";
import { normalizeReward } from "./wrappers/normalizeReward.js";
import { vectorEnv, type VectorEnv } from "./VectorEnv.js";
import type { RunningMeanStd } from "./RunningMeanStd.js";

/** Vectorised copies of an environment wrapped as CleanRL trains on it, and the observation statistics of copy 0 (Box actions). */
export interface PpoEnvs {
  readonly envs: VectorEnv<Action>;
  readonly observationStatistics: () => RunningMeanStd | undefined;
}

/**
 * `numEnvs` copies of `id` for PPO: RecordEpisodeStatistics (returns before any scaling), and for continuous actions
 * ClipAction, NormalizeObservation (clipped to ±10) and NormalizeReward(γ) (clipped to ±10), as ppo_continuous_action.py.
 * @example
 * const { envs } = ppoEnvs("CartPole-v1", { numEnvs: 4 });
 */
export const ppoEnvs = (id: string, { numEnvs, gamma = 0.99 }: { numEnvs: number; gamma?: number }): PpoEnvs => {
  const normalized: NormalizedEnv<Float32Array, Action>[] = [];
  const make = (): Env<Float32Array, Action> => {
    const env = recordEpisodeStatistics(makeEnv(id));
    if (env.actionSpace.kind === "discrete") return env;
    const n = normalizeObservation(clipAction(env as Env<Float32Array, Float32Array | readonly number[]>), { clip: 10 });
    normalized.push(n as NormalizedEnv<Float32Array, Action>);
    return normalizeReward(n, { gamma, clip: 10 }) as Env<Float32Array, Action>;
  };
  return { envs: vectorEnv(make, numEnvs), observationStatistics: () => normalized[0]?.statistics() };
};
