// The time-limit wrapper (Gymnasium's TimeLimit): truncates an episode after a fixed number of steps.
import type { Action } from "../spaces.js";
import type { Env } from "../Env.js";

/**
 * `env` whose episodes are truncated (not terminated) after `maxEpisodeSteps` steps; stepping on without a reset is an error.
 * @example
 * const env = timeLimit(defineEnv(cartPoleDynamics), 200);
 */
export const timeLimit = <O, A extends Action>(env: Env<O, A>, maxEpisodeSteps: number): Env<O, A> => {
  if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps < 1) throw new Error(`timeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
  let elapsed = 0;
  let truncatedBefore = false;
  return {
    ...env,
    maxEpisodeSteps,
    reset: (key) => {
      elapsed = 0;
      truncatedBefore = false;
      return env.reset(key);
    },
    step: (action) => {
      if (truncatedBefore) throw new Error(`${env.id}.step: called after the episode was truncated at ${maxEpisodeSteps} steps; call reset(key) to start a new episode`);
      const r = env.step(action);
      elapsed++;
      if (elapsed < maxEpisodeSteps) return r;
      truncatedBefore = true;
      return { ...r, truncated: true };
    },
  };
};
