// Vectorised environments (Gymnasium's SyncVectorEnv, same-step auto-reset): n copies stepped together, observations batched.
import { foldIn, split, type Key } from "../ops/random.js";
import { flatSize, type Action, type Space } from "./spaces.js";
import type { EpisodeStats, Env } from "./Env.js";

/** What one step of all copies returns; arrays are indexed by copy. */
export interface VectorStep {
  /** The next observations, [numEnvs × observationSize] row by row; a finished copy shows its new episode's first observation. */
  readonly observations: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** The last observation of a copy whose episode just ended (to bootstrap a truncated episode's value). */
  readonly finalObservations: readonly (Float32Array | undefined)[];
  /** Return and length of episodes that just ended (when the copies record episode statistics). */
  readonly episodes: readonly (EpisodeStats | undefined)[];
}

/** n copies of one environment, stepped in lockstep; each copy restarts itself when its episode ends. */
export interface VectorEnv<A extends Action = Action> {
  readonly id: string;
  readonly numEnvs: number;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  /** Numbers per observation (the Box's size). */
  readonly observationSize: number;
  /** Starts every copy (copy i with the i-th key split from `key`); returns the first observations. */
  reset(key: Key): Float32Array;
  step(actions: readonly A[]): VectorStep;
}

/**
 * `numEnvs` copies made by `make`, auto-reset in the same step (the reset key of a copy's k-th new episode is
 * foldIn(its key, k), so a run is reproducible from the one key given to `reset`).
 * @example
 * const envs = vectorEnv(() => recordEpisodeStatistics(cartPole()), 4);
 * let obs = envs.reset(key(1)); // Float32Array(16)
 * const { observations, rewards, terminated } = envs.step([0, 1, 1, 0]);
 */
export const vectorEnv = <A extends Action>(make: () => Env<Float32Array, A>, numEnvs: number): VectorEnv<A> => {
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`vectorEnv: numEnvs must be a positive integer, got ${numEnvs}`);
  const envs = Array.from({ length: numEnvs }, make);
  const first = envs[0]!;
  if (first.observationSpace.kind !== "box") throw new Error(`vectorEnv: ${first.id} has a ${first.observationSpace.kind} observation space; batched observations need a Box`);
  const d = flatSize(first.observationSpace);
  let keys: Key[] = [];
  let episodes = new Array<number>(numEnvs).fill(0);
  let started = false;
  return {
    id: first.id,
    numEnvs,
    singleObservationSpace: first.observationSpace,
    singleActionSpace: first.actionSpace,
    observationSize: d,
    reset: (key) => {
      keys = split(key, numEnvs);
      episodes = new Array<number>(numEnvs).fill(0);
      started = true;
      const obs = new Float32Array(numEnvs * d);
      envs.forEach((env, i) => obs.set(env.reset(keys[i]!), i * d));
      return obs;
    },
    step: (actions) => {
      if (!started) throw new Error(`vectorEnv(${first.id}).step: called before reset(key)`);
      if (actions.length !== numEnvs) throw new Error(`vectorEnv(${first.id}).step: got ${actions.length} actions for ${numEnvs} environments`);
      const observations = new Float32Array(numEnvs * d);
      const rewards = new Float32Array(numEnvs);
      const terminated = new Uint8Array(numEnvs);
      const truncated = new Uint8Array(numEnvs);
      const finals: (Float32Array | undefined)[] = new Array(numEnvs).fill(undefined);
      const stats: (EpisodeStats | undefined)[] = new Array(numEnvs).fill(undefined);
      envs.forEach((env, i) => {
        const r = env.step(actions[i]!);
        rewards[i] = r.reward;
        terminated[i] = r.terminated ? 1 : 0;
        truncated[i] = r.truncated ? 1 : 0;
        let obs = r.observation;
        if (r.terminated || r.truncated) {
          finals[i] = obs;
          stats[i] = r.info.episode;
          episodes[i]!++;
          obs = env.reset(foldIn(keys[i]!, episodes[i]!));
        }
        observations.set(obs, i * d);
      });
      return { observations, rewards, terminated, truncated, finalObservations: finals, episodes: stats };
    },
  };
};
