// The Dropout layer (torch.nn.Dropout): active only in training mode, with its randomness from the key given to apply.
import type { Tensor } from "../ops/Tensor.js";
import { dropout as dropoutOp } from "../ops/dropout.js";
import { defineModule, type Module } from "./Module.js";
import { pyBool, pyFloat } from "./_pyrepr.js";

/**
 * Zeroes elements with probability p and scales the rest by 1/(1-p) in training mode; the identity in eval mode.
 * Each Dropout call derives its own key from the one given to apply, so masks differ between layers and steps.
 * @example
 * const { output } = model.apply(variables, x, { training: true, key: foldIn(rng, step) });
 */
export const dropout = ({ p = 0.5 }: { p?: number } = {}): Module => {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new Error(`Dropout: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  return defineModule({
    kind: "Dropout",
    config: { p },
    extraRepr: `p=${pyFloat(p)}, inplace=${pyBool(false)}`,
    forward: (ctx, x: Tensor) => (ctx.training && p > 0 ? dropoutOp(ctx.key(), x, { p, training: true }) : x),
  });
};
