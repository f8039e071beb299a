// PPO as a stream: envs → rollouts (acting snapshot) → advantages → ppoUpdate → metrics$, with CleanRL's ppo.py / ppo_continuous_action.py defaults.
import { defer, map, type Observable } from "rxjs";
import { foldIn, split, type Key } from "../ops/random.js";
import type { Action } from "./spaces.js";
import type { EpisodeStats } from "./Env.js";
import type { VectorEnv } from "./VectorEnv.js";
import { actorCritic, type ActorCritic, type AgentParams } from "./policies.js";
import { actingPolicy } from "./ActingPolicy.js";
import { rollouts } from "./rollouts.js";
import { ppoLearner, ppoUpdate, withAdvantages, type LearnerState, type PpoHyperparameters, type PpoLosses } from "./ppoUpdate.js";

/** Everything `ppo` can be told; unset fields take CleanRL's defaults for the action space (see `ppoDefaults`). */
export interface PpoOptions extends Partial<Omit<PpoHyperparameters, "numIterations">> {
  readonly envs: VectorEnv<Action>;
  readonly key: Key;
  readonly totalTimesteps?: number;
  readonly numSteps?: number;
  readonly hidden?: readonly number[];
  /** Start from these params instead of a fresh initialisation. */
  readonly params?: AgentParams;
}

/** One update's report: counters, finished episodes, the losses, and speed. */
export interface PpoMetrics extends PpoLosses {
  readonly iteration: number;
  readonly num_iterations: number;
  readonly env_steps: number;
  readonly episodes: readonly EpisodeStats[];
  /** Environment steps per second since the start (acting and learning together). */
  readonly sps: number;
  /** The trained params after this update (and the agent's architecture, to save or evaluate them). */
  readonly params: AgentParams;
  readonly agent: ActorCritic;
}

/**
 * CleanRL's defaults: ppo.py for Discrete actions (4 envs × 128 steps, lr 2.5e-4, 4 minibatches × 4 epochs, entropy 0.01,
 * 500k steps) and ppo_continuous_action.py for Box actions (1 env × 2048 steps, lr 3e-4, 32 minibatches × 10 epochs,
 * no entropy bonus, 1M steps).
 */
export const ppoDefaults = (continuous: boolean) => ({
  totalTimesteps: continuous ? 1_000_000 : 500_000,
  numEnvs: continuous ? 1 : 4,
  numSteps: continuous ? 2048 : 128,
  learningRate: continuous ? 3e-4 : 2.5e-4,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  numMinibatches: continuous ? 32 : 4,
  updateEpochs: continuous ? 10 : 4,
  normAdv: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: continuous ? 0.0 : 0.01,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
});

/**
 * Trains an actor-critic with PPO on `envs`; emits one metrics record per update and completes after `totalTimesteps`.
 * The acting policy is a snapshot the learner republishes after each update (so acting could run elsewhere).
 * @example
 * const envs = vectorEnv(() => recordEpisodeStatistics(cartPole()), 4);
 * ppo({ envs, key: key(1) }).subscribe((m) => console.log(m.env_steps, m.episodes.map((e) => e.return)));
 */
export const ppo = (options: PpoOptions): Observable<PpoMetrics> =>
  defer(() => {
    const continuous = options.envs.singleActionSpace.kind === "box";
    const d = ppoDefaults(continuous);
    const { envs, key, totalTimesteps = d.totalTimesteps, numSteps = d.numSteps, hidden, params: start, ...rest } = options;
    const batch = numSteps * envs.numEnvs;
    const numIterations = Math.floor(totalTimesteps / batch);
    if (numIterations < 1) throw new Error(`ppo: totalTimesteps=${totalTimesteps} is less than one rollout of ${numSteps} steps × ${envs.numEnvs} envs`);
    const h: PpoHyperparameters = { ...d, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), numIterations };
    const agent = actorCritic({ observationSpace: envs.singleObservationSpace, actionSpace: envs.singleActionSpace, hidden });
    const [initKey, envKey, learnKey] = split(key, 3);
    const learner0: LearnerState = ppoLearner(start ?? agent.init(initKey!), h, learnKey!);
    // The acting snapshot: replaced after every update; rollouts read it when they start.
    let acting = actingPolicy(agent, learner0.params);
    const t0 = performance.now();
    return rollouts(envs, () => acting, { numSteps, key: foldIn(envKey!, 0), count: numIterations }).pipe(
      withAdvantages({ gamma: h.gamma, lambda: h.gaeLambda }),
      ppoUpdate(agent, h, learner0),
      map(({ learner, losses, rollout }): PpoMetrics => {
        acting = actingPolicy(agent, learner.params);
        return {
          iteration: learner.iteration, num_iterations: numIterations, env_steps: rollout.envSteps, episodes: rollout.episodes,
          ...losses, sps: rollout.envSteps / ((performance.now() - t0) / 1000), params: learner.params, agent,
        };
      }),
    );
  });
