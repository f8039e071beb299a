// Public face of src/rl/rlhf: RLHF's pure parts — preference data, reward-model and DPO losses, KL-shaped token rewards, token GAE and PPO's token loss.
export { parsePreferences, readPreferences, type Preference } from "./preferences.js";
export { bradleyTerryLoss, pairwiseAccuracy, dpoLoss, type DpoInputs, type DpoLoss } from "./preferenceLosses.js";
export { fixedKlController, adaptiveKlController, type KlController, type AdaptiveKlOptions } from "./klController.js";
export { klPenalizedRewards, type TokenRewards } from "./tokenRewards.js";
export { tokenAdvantages, type TokenAdvantages } from "./tokenAdvantages.js";
export { ppoTokenLoss, type TokenRollout, type PpoTokenLossOptions, type PpoTokenLoss } from "./ppoTokenLoss.js";
export { tokenLogprobs, sequenceLogprobs, entropyFromLogits } from "./tokenLogprobs.js";
export { maskedMean, maskedVar, maskedWhiten } from "./maskedStats.js";
