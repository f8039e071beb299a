// Stage 3 of RLHF: PPO on a language model against a reward model, with a per-token KL penalty to the frozen reference (TRL's classic PPOTrainer).
import type { Tensor } from "../../ops/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { foldIn, randint, randperm, type Key } from "../../ops/random.js";
import { indexSelect } from "../../ops/indexing.js";
import { valueAndGrad } from "../../graph/grad.js";
import { adam } from "../../optim/adam.js";
import { applyUpdates } from "../../optim/GradientTransformation.js";
import type { Module, Params } from "../../nn/Module.js";
import type { CausalLm } from "../../nlp/generate.js";
import type { GptInput } from "../../nlp/models/gpt.js";
import { fromPull, type PullSource } from "../../streams/pull.js";
import type { ValueHeadOutput } from "./valueHeadModel.js";
import type { RewardInput } from "./rewardModel.js";
import { adaptiveKlController, type KlController } from "./klController.js";
import { klPenalizedRewards } from "./tokenRewards.js";
import { tokenAdvantages } from "./tokenAdvantages.js";
import { ppoTokenLoss, type TokenRollout } from "./ppoTokenLoss.js";
import { maskedMean, maskedWhiten } from "./maskedStats.js";
import { entropyFromLogits, tokenLogprobs } from "./tokenLogprobs.js";
import { sampleResponses } from "./sampleResponses.js";
import { sequences, type Sequences } from "./_sequences.js";

/** Options of `ppoRlhf` (TRL's PPOConfig names in camelCase; defaults as TRL's, except the learning rate). */
export interface PpoRlhfOptions {
  /** The policy with its value head, and its starting params (usually the pre-trained LM plus a fresh head). */
  readonly policy: Module<GptInput, ValueHeadOutput>;
  readonly params: Params;
  /** The frozen reference LM (the policy's starting point). */
  readonly reference: CausalLm;
  readonly rewardModel: Module<RewardInput, Tensor>;
  readonly rewardParams: Params;
  /** The prompt pool; each step draws `batchSize` prompts from it. */
  readonly prompts: readonly (readonly number[])[];
  readonly steps: number;
  readonly key: Key;
  /** Prompts per PPO step (TRL's batch_size; default 16). */
  readonly batchSize?: number;
  /** Rows per gradient step (mini_batch_size; default 8). */
  readonly miniBatchSize?: number;
  /** Tokens sampled per response (default 16). */
  readonly responseTokens?: number;
  /** Passes over each batch (ppo_epochs; default 4). */
  readonly ppoEpochs?: number;
  /** Adam's learning rate (default 1e-4: TRL's 1.41e-5 suits large pre-trained models, a small model moves too slowly with it). */
  readonly learningRate?: number;
  /** The KL coefficient (default: TRL's adaptive controller, init 0.2, target 6, horizon 10000). */
  readonly kl?: KlController;
  readonly gamma?: number;
  readonly lam?: number;
  readonly clipRange?: number;
  readonly clipRangeValue?: number;
  readonly vfCoef?: number;
  /** Whiten the shaped rewards before GAE (whiten_rewards; default false). */
  readonly whitenRewards?: boolean;
}

/** One PPO step's report (TRL's objective/* and ppo/* statistics, snake_case), and the params after it. */
export interface PpoRlhfStep {
  readonly step: number;
  /** Mean reward-model score of this step's samples. */
  readonly reward: number;
  /** Mean over samples of Σ_tokens (log π_old − log π_ref). */
  readonly kl: number;
  readonly kl_coef: number;
  /** Mean next-token entropy over response tokens. */
  readonly entropy: number;
  readonly policy_loss: number;
  readonly value_loss: number;
  readonly clip_fraction: number;
  readonly approx_kl: number;
  readonly params: Params;
  /** This step's responses (token ids), to decode and show. */
  readonly responses: readonly (readonly number[])[];
}

const rowsOf = (s: Sequences, rows: Tensor): Sequences => ({ ids: indexSelect(s.ids, 0, rows), attention: indexSelect(s.attention, 0, rows), responseMask: indexSelect(s.responseMask, 0, rows) });

/**
 * RLHF's PPO as a stream: each step samples responses for a batch of prompts from the policy, scores them with the reward
 * model, shapes per-token rewards with the KL penalty to the reference, computes GAE over tokens and runs `ppoEpochs`
 * passes of clipped policy and value updates; the KL coefficient adapts after each step. Pull-driven: the next step
 * runs when the consumer has taken the previous one; unsubscribing stops it.
 * @example
 * ppoRlhf({ policy, params, reference, rewardModel, rewardParams, prompts, steps: 40, key: key(3) })
 *   .subscribe((s) => console.log(s.step, s.reward, s.kl));
 */
export const ppoRlhf = (options: PpoRlhfOptions): PullSource<PpoRlhfStep> => {
  const {
    policy, reference, rewardModel, rewardParams, prompts, steps, key, batchSize = 16, miniBatchSize = 8, responseTokens = 16, ppoEpochs = 4,
    learningRate = 1e-4, gamma = 1, lam = 0.95, clipRange = 0.2, clipRangeValue = 0.2, vfCoef = 0.1, whitenRewards = false,
  } = options;
  if (prompts.length === 0) throw new Error("ppoRlhf: no prompts");
  for (const [name, v] of Object.entries({ steps, batchSize, miniBatchSize, responseTokens, ppoEpochs }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`ppoRlhf: ${name} must be a positive integer, got ${v}`);
  if (batchSize % miniBatchSize !== 0) throw new Error(`ppoRlhf: batchSize (${batchSize}) must be a multiple of miniBatchSize (${miniBatchSize})`);
  const vocab = Number(policy.config.vocabSize);
  if (Number(reference.module.config.vocabSize) !== vocab || Number(rewardModel.config.vocabSize) !== vocab)
    throw new Error(`ppoRlhf: the policy, reference and reward model must share one tokenizer; their vocabulary sizes are ${vocab}, ${String(reference.module.config.vocabSize)} and ${String(rewardModel.config.vocabSize)}`);
  const optimizer = adam({ lr: learningRate });
  const lossOpts = { clipRange, clipRangeValue, vfCoef };
  return fromPull(() =>
    (async function* () {
      let params = options.params;
      let optState = optimizer.init(params);
      let kl = options.kl ?? adaptiveKlController();
      for (let step = 0; step < steps; step++) {
        const k = foldIn(key, step);
        const picks = randint(foldIn(k, 0), 0, prompts.length, [batchSize]).dataSync();
        const batchPrompts = Array.from(picks, (i) => prompts[i]!);
        const responses = await sampleResponses({ module: policy, params }, batchPrompts, { maxTokens: responseTokens, key: foldIn(k, 1) });
        const s = sequences(batchPrompts, responses);
        const l = s.ids.shape[1]!;
        const targets = s.ids.slice(null, [1, l]);
        const out = policy.forward(params, { ids: s.ids, attentionMask: s.attention });
        const oldLogprobs = tokenLogprobs(out.logits.slice(null, [0, l - 1]), targets);
        const oldValues = out.values.slice(null, [0, l - 1]);
        const refLogits = reference.module.forward(reference.params, { ids: s.ids, attentionMask: s.attention }).logits;
        const refLogprobs = tokenLogprobs(refLogits.slice(null, [0, l - 1]), targets);
        const scores = rewardModel.forward(rewardParams, { ids: s.ids, attentionMask: s.attention });
        const mask = s.responseMask;
        let { rewards } = klPenalizedRewards(scores, oldLogprobs, refLogprobs, mask, kl.value);
        if (whitenRewards) rewards = maskedWhiten(rewards, mask, { shiftMean: false });
        const { advantages, returns } = tokenAdvantages(oldValues, rewards, mask, { gamma, lam });
        const full: TokenRollout = { oldLogprobs, oldValues, advantages, returns, mask };
        const stats = { policy: 0, value: 0, clip: 0, approx: 0, n: 0 };
        for (let epoch = 0; epoch < ppoEpochs; epoch++) {
          const order = randperm(foldIn(k, 2 + epoch), batchSize).dataSync();
          for (let start = 0; start < batchSize; start += miniBatchSize) {
            const rows = tensor(Int32Array.from(order.subarray(start, start + miniBatchSize)), { dtype: "int32" });
            const mb = rowsOf(s, rows);
            const rollout: TokenRollout = {
              oldLogprobs: indexSelect(full.oldLogprobs, 0, rows), oldValues: indexSelect(full.oldValues, 0, rows),
              advantages: indexSelect(full.advantages, 0, rows), returns: indexSelect(full.returns, 0, rows), mask: mb.responseMask,
            };
            // The statistics come from the same forward pass as the gradient (before this update), as TRL logs them.
            const [[, r], grads] = valueAndGrad((p: Params) => {
              const o = policy.forward(p, { ids: mb.ids, attentionMask: mb.attention });
              const lp = tokenLogprobs(o.logits.slice(null, [0, l - 1]), mb.ids.slice(null, [1, l]));
              const out = ppoTokenLoss(rollout, lp, o.values.slice(null, [0, l - 1]), lossOpts);
              return [out.loss, out] as const;
            }, { hasAux: true })(params);
            const { updates, state } = optimizer.update(grads, optState, params);
            params = applyUpdates(params, updates);
            optState = state;
            stats.policy += r.policyLoss.item();
            stats.value += r.valueLoss.item();
            stats.clip += r.clipFraction.item();
            stats.approx += r.approxKl.item();
            stats.n++;
          }
        }
        const meanKl = oldLogprobs.sub(refLogprobs).mul(mask).sum(-1).mean().item();
        const report: PpoRlhfStep = {
          step: step + 1, reward: scores.mean().item(), kl: meanKl, kl_coef: kl.value,
          entropy: maskedMean(entropyFromLogits(out.logits.slice(null, [0, l - 1])), mask).item(),
          policy_loss: stats.policy / stats.n, value_loss: stats.value / stats.n, clip_fraction: stats.clip / stats.n, approx_kl: stats.approx / stats.n,
          params, responses,
        };
        kl = kl.update(meanKl, batchSize);
        yield report;
      }
    })(),
  );
};
