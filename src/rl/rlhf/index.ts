// Public face of src/rl/rlhf: RLHF's pure parts — preference data, reward-model and DPO losses, KL-shaped token rewards, token GAE and PPO's token loss.
export { parsePreferences, readPreferences, type Preference } from "./preferences.js";
export { bradleyTerryLoss, pairwiseAccuracy, dpoLoss, type DpoInputs, type DpoLoss } from "./preferenceLosses.js";
export { fixedKlController, adaptiveKlController, type KlController, type AdaptiveKlOptions } from "./klController.js";
export { klPenalizedRewards, type TokenRewards } from "./tokenRewards.js";
export { tokenAdvantages, type TokenAdvantages } from "./tokenAdvantages.js";
export { ppoTokenLoss, type TokenRollout, type PpoTokenLossOptions, type PpoTokenLoss } from "./ppoTokenLoss.js";
export { tokenLogprobs, sequenceLogprobs, entropyFromLogits } from "./tokenLogprobs.js";
export { maskedMean, maskedVar, maskedWhiten } from "./maskedStats.js";
export { gptWithValueHead, type ValueHeadOutput } from "./valueHeadModel.js";
export { gptRewardModel, type RewardInput } from "./rewardModel.js";
export { keywordPreference, letterPreference, type Preferring } from "./keywordPreference.js";
export { sampleResponses } from "./sampleResponses.js";
export { preferencePairs, type TokenPair } from "./preferencePairs.js";
export { trainRewardModel, type TrainRewardModelOptions, type RewardModelStep } from "./trainRewardModel.js";
export { evaluatePolicy, responseLogprobs, type PolicyReport } from "./evaluatePolicy.js";
export { ppoRlhf, type PpoRlhfOptions, type PpoRlhfStep } from "./ppoRlhf.js";
export { trainDpo, type TrainDpoOptions, type DpoStep } from "./trainDpo.js";
export { rlhfPipeline, type RlhfPipelineOptions, type RlhfEvent } from "./rlhfPipeline.js";
