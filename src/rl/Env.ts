// The environment interface (Gymnasium's Env): reset with a key, step with an action, typed spaces; and defineEnv, which builds one from pure dynamics.
import { rand, type Key } from "../ops/random.js";
import { checkAction, type Action, type Space } from "./spaces.js";

/** One episode's totals, reported on its last step by `recordEpisodeStatistics`. */
export interface EpisodeStats {
  readonly return: number;
  readonly length: number;
}

/** Extra facts about a step (Gymnasium's info dict, typed). */
export interface StepInfo {
  /** The finished episode's return and length (on the last step, with `recordEpisodeStatistics`). */
  readonly episode?: EpisodeStats;
}

/** What one step returns. */
export interface EnvStepResult<O = Float32Array> {
  readonly observation: O;
  readonly reward: number;
  /** The episode ended in a terminal state of the task (the pole fell): nothing follows it. */
  readonly terminated: boolean;
  /** The episode was cut short (a time limit): the state was not terminal, so its value can be bootstrapped. */
  readonly truncated: boolean;
  readonly info: StepInfo;
}

/**
 * An environment: `reset(key)` starts an episode and returns the first observation, `step(action)` advances it.
 * An Env object has identity (it holds the current state), so it is made by a factory such as `cartPole()`.
 * @example
 * const env = cartPole();
 * let obs = env.reset(key(0));
 * const { observation, reward, terminated, truncated } = env.step(1);
 */
export interface Env<O = Float32Array, A extends Action = Action> {
  /** Gymnasium's id, e.g. `CartPole-v1`. */
  readonly id: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The time limit applied to episodes (Gymnasium's max_episode_steps), when there is one. */
  readonly maxEpisodeSteps?: number;
  reset(key: Key): O;
  step(action: A): EnvStepResult<O>;
}

/** Pure dynamics: a start-state sampler and a transition function, from which `defineEnv` makes an Env. */
export interface Dynamics<S, O, A extends Action> {
  readonly id: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** The start state from `n` uniform numbers in [0, 1) (n = `resetUniforms`). */
  readonly resetUniforms: number;
  initial(u: Float64Array): S;
  /** The next state, the reward and whether the next state is terminal. */
  transition(state: S, action: A): { readonly state: S; readonly reward: number; readonly terminated: boolean };
  observe(state: S): O;
}

/** `n` uniform numbers in [0, 1) from a key (in float64, from rivulet's counter-based generator). */
export const uniforms = (key: Key, n: number): Float64Array => (n === 0 ? new Float64Array(0) : Float64Array.from(rand(key, [n]).dataSync()));

/**
 * An Env from pure dynamics: checks actions against the action space and refuses to step before `reset` or after the
 * episode terminated (Gymnasium only warns; an undefined step is a bug in the caller).
 * @example
 * const env = defineEnv(cartPoleDynamics);
 */
export const defineEnv = <S, O, A extends Action>(d: Dynamics<S, O, A>): Env<O, A> => {
  let state: S | undefined;
  let ended = false;
  return {
    id: d.id,
    observationSpace: d.observationSpace,
    actionSpace: d.actionSpace,
    reset: (key) => {
      state = d.initial(uniforms(key, d.resetUniforms));
      ended = false;
      return d.observe(state);
    },
    step: (action) => {
      if (state === undefined) throw new Error(`${d.id}.step: called before reset(key); start an episode with reset first`);
      if (ended) throw new Error(`${d.id}.step: called after the episode terminated; call reset(key) to start a new episode`);
      checkAction(d.id, d.actionSpace, action);
      const next = d.transition(state, action);
      state = next.state;
      ended = next.terminated;
      return { observation: d.observe(state), reward: next.reward, terminated: next.terminated, truncated: false, info: {} };
    },
  };
};
