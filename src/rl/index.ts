// Public face of src/rl: environments, wrappers, vectorised envs, rollouts, advantages and the RL algorithms.
export { discrete, box, contains, checkAction, describeSpace, flatSize, type Discrete, type Box, type Space, type Action } from "./spaces.js";
export { defineEnv, uniforms, type Env, type Dynamics, type StepResult, type StepInfo, type EpisodeStats } from "./Env.js";
export * from "./envs/index.js";
export { timeLimit } from "./wrappers/timeLimit.js";
export { recordEpisodeStatistics } from "./wrappers/recordEpisodeStatistics.js";
export { normalizeObservation, type NormalizeObservationOptions, type NormalizedEnv } from "./wrappers/normalizeObservation.js";
export { normalizeReward, type NormalizeRewardOptions } from "./wrappers/normalizeReward.js";
export { frameStack } from "./wrappers/frameStack.js";
export { clipAction } from "./wrappers/clipAction.js";
export { runningMeanStd, updateRunningMeanStd, type RunningMeanStd } from "./RunningMeanStd.js";
export { vectorEnv, type VectorEnv, type VectorStep } from "./VectorEnv.js";
export { discountedReturns, gae, normalizeAdvantages, type Trajectories, type AdvantageInputs } from "./advantages.js";
export { actorCritic, distribution, logProbOf, entropyOf, valueOf, type ActorCritic, type ActorCriticOptions, type AgentParams, type Distribution } from "./policies.js";
export { actingPolicy, act, policyValues, mlpForward, type ActingPolicy, type Acted } from "./ActingPolicy.js";
export { rollouts, collectRollout, type Rollout, type RolloutCursor, type RolloutsOptions } from "./rollouts.js";
export { withAdvantages, ppoUpdate, ppoUpdateStep, ppoLoss, ppoLearner, ppoOptimizer, explainedVariance, type PpoHyperparameters, type AdvantagedRollout, type LearnerState, type PpoLosses } from "./ppoUpdate.js";
export { ppo, ppoDefaults, type PpoOptions, type PpoMetrics } from "./ppo.js";
export { qLearning, greedyAction, type QLearningOptions, type QLearningEpisode } from "./qLearning.js";
