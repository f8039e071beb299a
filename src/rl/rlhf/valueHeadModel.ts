// The RLHF policy: a GPT with a value head beside its LM head (TRL's AutoModelForCausalLMWithValueHead), under GPT-2's names plus `v_head.summary`.
import { Tensor } from "../../ops/Tensor.js";
import { defineModule, type Module } from "../../nn/Module.js";
import { linear } from "../../nn/linear.js";
import { gpt, type GptConfig, type GptInput, type GptOutput } from "../../nlp/models/gpt.js";

/** The LM's outputs and a value per position, [B, T]. */
export interface ValueHeadOutput extends GptOutput {
  readonly values: Tensor;
}

/**
 * A GPT whose `transformer.*` and tied LM head are GPT-2's, plus `v_head.summary` (Linear(nEmbd, 1)) reading the final
 * hidden states: one forward gives next-token logits and the value of every position, as PPO needs.
 * @example
 * const policy = gptWithValueHead({ vocabSize: 512, nPositions: 64, nEmbd: 64, nLayer: 2, nHead: 2 });
 * const { logits, values } = policy.forward(params, ids);
 */
export const gptWithValueHead = (config: GptConfig): Module<GptInput, ValueHeadOutput> => {
  const lm = gpt(config);
  const nEmbd = lm.config.nEmbd as number;
  return defineModule({
    kind: "AutoModelForCausalLMWithValueHead",
    config: { ...lm.config },
    children: {
      transformer: lm.children[0]![1] as Module<{ ids: Tensor; cache: GptOutput["cache"] | undefined; attentionMask: Tensor | undefined }, GptOutput>,
      v_head: defineModule({ kind: "ValueHead", children: { summary: linear({ inFeatures: nEmbd, outFeatures: 1 }) }, forward: ({ children }, h: Tensor) => children.summary(h) }),
    },
    forward: ({ children: ch }, inp: GptInput): ValueHeadOutput => {
      const a = inp instanceof Tensor ? { ids: inp, cache: undefined, attentionMask: undefined } : { ids: inp.ids, cache: inp.cache, attentionMask: inp.attentionMask };
      const out = ch.transformer(a);
      return { ...out, values: ch.v_head(out.hidden).squeeze(-1) };
    },
  });
};
