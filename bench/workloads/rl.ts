// rl-cartpole-ppo: environment steps per second of PPO's whole loop on CartPole-v1 (acting + learning), CleanRL's ppo.py settings.
// One timed run is one iteration: 128 steps of 4 copies with the acting snapshot, GAE, then 4 epochs × 4 minibatches of
// 128; bench/rl_cartpole_ppo.py runs the same loop in PyTorch with a plain-Python CartPole written from the same equations.
import { key } from "../../src/index.js";
import {
  actingPolicy, actorCritic, collectRollout, gae, ppoDefaults, ppoEnvs, ppoLearner, ppoUpdateStep, type RolloutCursor,
} from "../../src/rl/index.js";
import type { Workload } from "../workload.js";

const NUM_ENVS = 4;
const NUM_STEPS = 128;

export const rlCartpolePpo: Workload = {
  name: "rl-cartpole-ppo",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (NUM_ENVS * NUM_STEPS * 1000) / ms,
  rivulet: async () => {
    const { envs } = ppoEnvs("CartPole-v1", { numEnvs: NUM_ENVS });
    const h = { ...ppoDefaults(false), numIterations: 1000 };
    const agent = actorCritic({ observationSpace: envs.singleObservationSpace, actionSpace: envs.singleActionSpace });
    let learner = ppoLearner(agent.init(key(0)), h, key(1));
    let cursor: RolloutCursor = { observations: envs.reset(key(2)), key: key(3), envSteps: 0 };
    return {
      run: () => {
        const { rollout: r, cursor: next } = collectRollout(envs, actingPolicy(agent, learner.params), cursor, NUM_STEPS);
        cursor = next;
        // What withAdvantages does to each rollout in the stream.
        const adv = gae({ ...r, gamma: h.gamma, lambda: h.gaeLambda });
        learner = ppoUpdateStep(agent, h, learner, { ...r, ...adv }).learner;
      },
    };
  },
};

export const rlWorkloads: readonly Workload[] = [rlCartpolePpo];
