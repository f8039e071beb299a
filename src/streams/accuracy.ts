// Classification accuracy: the fraction of samples whose highest logit is the target class (d2l's accuracy / n).
import type { Tensor } from "../ops/Tensor.js";
import { argmax, mean } from "../ops/reduce.js";
import { cast, eq } from "../ops/elementwise.js";
import { shapeStr } from "../ops/_shape.js";

/**
 * The fraction of rows of `logits` [N, C] whose argmax equals `target` [N], as a float32 scalar.
 * @example
 * accuracy(model.forward(params, x), y).item(); // 0.75
 */
export const accuracy = (logits: Tensor, target: Tensor): Tensor => {
  if (logits.ndim !== 2 || target.ndim !== 1 || logits.shape[0] !== target.shape[0])
    throw new Error(`accuracy: expected logits [N, C] and targets [N], got ${shapeStr(logits.shape)} and ${shapeStr(target.shape)}`);
  return mean(cast(eq(argmax(logits, 1), cast(target, "int32")), "float32"));
};
