// The causal language-modelling loss: mean cross-entropy of each next token given the ones before it (GPT2LMHeadModel's loss with labels = ids).
import type { Tensor } from "../../ops/Tensor.js";
import { crossEntropy } from "../../ops/loss.js";
import type { Module, Params } from "../../nn/Module.js";
import type { GptInput, GptOutput } from "./gpt.js";

/**
 * Mean next-token cross-entropy of `ids` [B, T] under the model: logits at positions 0…T−2 score tokens 1…T−1
 * (`exp` of it is the perplexity).
 * @example
 * const [loss, grads] = valueAndGrad((p) => causalLmLoss(model, p, batch))(params);
 */
export const causalLmLoss = (model: Module<GptInput, GptOutput>, params: Params, ids: Tensor): Tensor => {
  if (ids.ndim !== 2 || ids.shape[1]! < 2) throw new Error(`causalLmLoss: ids must be [batch, tokens] with at least 2 tokens, got [${ids.shape.join(", ")}]`);
  const [b, t] = ids.shape as [number, number];
  const { logits } = model.forward(params, ids.slice(null, [0, t - 1]));
  const v = logits.shape[2]!;
  return crossEntropy(logits.reshape(b * (t - 1), v), ids.slice(null, [1, t]).reshape(b * (t - 1)));
};
