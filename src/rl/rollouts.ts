// Rollouts: fixed-length windows of transitions from vectorised environments, collected with the current acting policy, as a pull-driven stream.
import { Observable } from "rxjs";
import { foldIn, type Key } from "../ops/random.js";
import type { Action } from "./spaces.js";
import type { EpisodeStats } from "./Env.js";
import type { VectorEnv } from "./VectorEnv.js";
import { act, policyValues, type ActingPolicy } from "./ActingPolicy.js";
import { pacedLoop } from "./_pacedLoop.js";

/** T steps of N environments, time-major (row t·N + i); everything the learner needs to compute advantages and update. */
export interface Rollout {
  readonly numSteps: number;
  readonly numEnvs: number;
  readonly observationSize: number;
  /** Numbers per action (1 for discrete actions). */
  readonly actionWidth: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** V of the final observation of truncated transitions (0 elsewhere), to bootstrap them. */
  readonly finalValues: Float32Array;
  /** V of the observations after the last step. */
  readonly lastValues: Float32Array;
  /** Episodes that ended during the rollout, in order. */
  readonly episodes: readonly EpisodeStats[];
  /** Environment steps taken so far, this rollout included (all copies counted). */
  readonly envSteps: number;
}

/** Where collection continues from: the current observations and the key for the next actions. */
export interface RolloutCursor {
  readonly observations: Float32Array;
  readonly key: Key;
  readonly envSteps: number;
}

/**
 * Steps `envs` `numSteps` times with `policy`, from `cursor`; returns the rollout and the cursor to continue from.
 * @example
 * const { rollout, cursor: next } = collectRollout(envs, policy, cursor, 128);
 */
export const collectRollout = <A extends Action>(envs: VectorEnv<A>, policy: ActingPolicy, cursor: RolloutCursor, numSteps: number): { rollout: Rollout; cursor: RolloutCursor } => {
  const n = envs.numEnvs;
  const d = envs.observationSize;
  const w = policy.kind === "categorical" ? 1 : policy.actionSize;
  if (policy.observationSize !== d) throw new Error(`collectRollout: the policy takes observations of ${policy.observationSize} numbers, ${envs.id} gives ${d}`);
  const size = numSteps * n;
  const r = {
    observations: new Float32Array(size * d), actions: new Float32Array(size * w), logProbs: new Float32Array(size), values: new Float32Array(size),
    rewards: new Float32Array(size), terminated: new Uint8Array(size), truncated: new Uint8Array(size), finalValues: new Float32Array(size),
  };
  const episodes: EpisodeStats[] = [];
  let obs = cursor.observations;
  for (let t = 0; t < numSteps; t++) {
    const acted = act(policy, obs, foldIn(cursor.key, t));
    r.observations.set(obs, t * n * d);
    r.actions.set(acted.actionData, t * n * w);
    r.logProbs.set(acted.logProbs, t * n);
    r.values.set(acted.values, t * n);
    const s = envs.step(acted.actions as readonly A[]);
    r.rewards.set(s.rewards, t * n);
    r.terminated.set(s.terminated, t * n);
    r.truncated.set(s.truncated, t * n);
    for (let i = 0; i < n; i++) {
      const fin = s.finalObservations[i];
      if (s.truncated[i] && !s.terminated[i] && fin) r.finalValues[t * n + i] = policyValues(policy, fin)[0]!;
      const ep = s.episodes[i];
      if (ep) episodes.push(ep);
    }
    obs = s.observations;
  }
  const envSteps = cursor.envSteps + size;
  const rollout: Rollout = { numSteps, numEnvs: n, observationSize: d, actionWidth: w, ...r, lastValues: policyValues(policy, obs), episodes, envSteps };
  return { rollout, cursor: { observations: obs, key: foldIn(cursor.key, numSteps), envSteps } };
};

export interface RolloutsOptions {
  readonly numSteps: number;
  /** Seeds the environments' resets and the actions. */
  readonly key: Key;
  /** Stop after this many rollouts (unbounded by default: unsubscribe, or `take`, to stop). */
  readonly count?: number;
}

/**
 * The stream of rollouts: each is collected when the previous one has been handled downstream (pull-driven: one
 * rollout in flight), with the acting policy `policy()` returns at that moment, so a learner that publishes new params
 * after each update is always acted with.
 * @example
 * rollouts(envs, () => policy, { numSteps: 128, key: key(1) }).pipe(take(10)).subscribe((r) => console.log(r.episodes));
 */
export const rollouts = <A extends Action>(envs: VectorEnv<A>, policy: () => ActingPolicy, { numSteps, key, count = Infinity }: RolloutsOptions): Observable<Rollout> =>
  new Observable<Rollout>((subscriber) => {
    if (!Number.isInteger(numSteps) || numSteps < 1) {
      subscriber.error(new Error(`rollouts: numSteps must be a positive integer, got ${numSteps}`));
      return;
    }
    const [resetKey, actKey] = [foldIn(key, 0), foldIn(key, 1)];
    let cursor: RolloutCursor = { observations: envs.reset(resetKey), key: actKey, envSteps: 0 };
    let made = 0;
    return pacedLoop(subscriber, () => {
      if (made >= count) return subscriber.complete();
      const out = collectRollout(envs, policy(), cursor, numSteps);
      cursor = out.cursor;
      made++;
      subscriber.next(out.rollout);
    });
  });
