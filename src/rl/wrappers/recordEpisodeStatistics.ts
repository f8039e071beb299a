// The episode-statistics wrapper (Gymnasium's RecordEpisodeStatistics): the return and length of each finished episode, in its last step's info.
import type { Action } from "../spaces.js";
import type { Env } from "../Env.js";

/**
 * `env` whose last step of each episode carries `info.episode = { return, length }` (undiscounted, before any reward wrapper applied after it).
 * @example
 * const env = recordEpisodeStatistics(cartPole());
 */
export const recordEpisodeStatistics = <O, A extends Action>(env: Env<O, A>): Env<O, A> => {
  let total = 0;
  let length = 0;
  return {
    ...env,
    reset: (key) => {
      total = 0;
      length = 0;
      return env.reset(key);
    },
    step: (action) => {
      const r = env.step(action);
      total += r.reward;
      length++;
      return r.terminated || r.truncated ? { ...r, info: { ...r.info, episode: { return: total, length } } } : r;
    },
  };
};
