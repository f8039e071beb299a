// The reward model: a GPT trunk and a scalar head read at each sequence's last real token (Hugging Face's GPT2ForSequenceClassification, one label).
import type { Tensor } from "../../ops/Tensor.js";
import { defineModule, type Module } from "../../nn/Module.js";
import { linear } from "../../nn/linear.js";
import { arange } from "../../ops/creation.js";
import { oneHot } from "../../ops/oneHot.js";
import { gpt, type GptConfig, type GptOutput } from "../../nlp/models/gpt.js";

/** Token ids [B, T] and, for right-padded rows, a mask [B, T] of 1 on real tokens. */
export interface RewardInput {
  readonly ids: Tensor;
  readonly attentionMask?: Tensor;
}

/**
 * A reward model from a GPT configuration: `transformer.*` as GPT-2, `score` = Linear(nEmbd, 1, bias=False) applied to
 * the final hidden state of each row's last real token; outputs one scalar per sequence, [B].
 * @example
 * const rm = gptRewardModel(config);
 * const r = rm.forward(params, { ids, attentionMask }); // [B]
 */
export const gptRewardModel = (config: GptConfig): Module<RewardInput, Tensor> => {
  const lm = gpt(config);
  const nEmbd = lm.config.nEmbd as number;
  return defineModule({
    kind: "GPT2ForSequenceClassification",
    config: { ...lm.config, numLabels: 1 },
    children: {
      transformer: lm.children[0]![1] as Module<{ ids: Tensor; cache: undefined; attentionMask: Tensor | undefined }, GptOutput>,
      score: linear({ inFeatures: nEmbd, outFeatures: 1, bias: false }),
    },
    forward: ({ children: ch, fail }, { ids, attentionMask }: RewardInput): Tensor => {
      if (ids?.ndim !== 2) fail(`expects { ids: [batch, tokens], attentionMask? }, got ids of shape [${ids?.shape?.join(", ")}]`);
      const [, t] = ids.shape as [number, number];
      if (attentionMask !== undefined && (attentionMask.ndim !== 2 || attentionMask.shape[0] !== ids.shape[0] || attentionMask.shape[1] !== t))
        fail(`attentionMask has shape [${attentionMask.shape.join(", ")}], ids [${ids.shape.join(", ")}]; they must match`);
      const { hidden } = ch.transformer({ ids, cache: undefined, attentionMask });
      const mask = attentionMask === undefined ? undefined : attentionMask.astype("float32");
      // The last real token of each row: argmax over positions of mask·(t+1) (the last position when there is no mask).
      const last = mask === undefined ? undefined : mask.mul(arange(1, t + 1)).argmax(1).astype("int32");
      const pick = last === undefined ? hidden.select(1, t - 1) : oneHot(last, t).astype("float32").unsqueeze(-1).mul(hidden).sum(1);
      return ch.score(pick).squeeze(-1);
    },
  });
};
