// Dropout with an explicit RNG key, as torch.nn.functional.dropout: inverted scaling, identity in eval mode.
import type { Tensor } from "./Tensor.js";
import type { Key } from "./random.js";
import { bernoulli } from "./random.js";
import * as E from "./elementwise.js";
import { shapeStr } from "./_shape.js";

export interface DropoutOptions {
  /** Probability of zeroing each element; default 0.5. */
  readonly p?: number;
  /** Apply dropout (true, default) or return `x` unchanged (evaluation). */
  readonly training?: boolean;
}

/**
 * Zeroes each element with probability p and scales the survivors by 1/(1-p), so the expectation is unchanged.
 * The same key gives the same mask.
 * @example
 * const [k, next] = split(state.rng);
 * const h = dropout(k, relu(x), { p: 0.1, training: true });
 */
export const dropout = (k: Key, x: Tensor, { p = 0.5, training = true }: DropoutOptions = {}): Tensor => {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability p must be between 0 and 1, got ${p}`);
  if (x.dtype !== "float32") throw new Error(`dropout: expected a float32 tensor, got ${x.dtype} (shape ${shapeStr(x.shape)})`);
  if (!training || p === 0) return x;
  // PyTorch multiplies by zero rather than making fresh zeros, so NaN and inf inputs still give NaN.
  if (p === 1) return E.mul(x, 0);
  const keep = bernoulli(k, 1 - p, x.shape, { device: x.device });
  return E.mul(x, E.div(E.cast(keep, "float32"), 1 - p));
};
