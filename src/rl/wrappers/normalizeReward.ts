// The reward-scaling wrapper (Gymnasium's NormalizeReward): rewards divided by the running standard deviation of the discounted return.
import type { Action } from "../spaces.js";
import type { Env } from "../Env.js";
import { runningMeanStd, updateRunningMeanStd } from "../RunningMeanStd.js";

export interface NormalizeRewardOptions {
  /** The discount of the return whose spread scales the rewards (use the agent's γ). */
  readonly gamma?: number;
  /** Clip scaled rewards to [−clip, clip] (CleanRL clips to 10); no clipping by default. */
  readonly clip?: number;
  readonly epsilon?: number;
}

/**
 * `env` with rewards r / √(var(G) + ε), where G is the running discounted return (reset at episode ends); the
 * rewards are scaled, not centred, so their sign is kept.
 * @example
 * const env = normalizeReward(pendulum(), { gamma: 0.99, clip: 10 });
 */
export const normalizeReward = <O, A extends Action>(env: Env<O, A>, { gamma = 0.99, clip = Infinity, epsilon = 1e-8 }: NormalizeRewardOptions = {}): Env<O, A> => {
  let stats = runningMeanStd(1);
  let discounted = 0;
  return {
    ...env,
    reset: (key) => env.reset(key),
    step: (action) => {
      const r = env.step(action);
      discounted = discounted * gamma + r.reward;
      stats = updateRunningMeanStd(stats, [discounted]);
      const scaled = Math.min(clip, Math.max(-clip, r.reward / Math.sqrt(stats.var[0]! + epsilon)));
      if (r.terminated || r.truncated) discounted = 0;
      return { ...r, reward: scaled };
    },
  };
};
