// Loss "modules" (torch.nn.CrossEntropyLoss, MSELoss, ...): the functional losses with their options bound, printable like PyTorch.
import type { Tensor } from "../ops/Tensor.js";
import * as L from "../ops/loss.js";

/** A loss with its options fixed: `loss(input, target)`; `String(loss)` is PyTorch's repr, e.g. `CrossEntropyLoss()`. */
export interface Loss {
  (input: Tensor, target: Tensor): Tensor;
  /** PyTorch's class name. */
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

// Losses hold no parameters, so a bound function is the whole module; the name is kept for printing like PyTorch.
const bind = <O extends object>(kind: string, f: (input: Tensor, target: Tensor, options: O) => Tensor, options: O): Loss =>
  Object.freeze(Object.assign((input: Tensor, target: Tensor) => f(input, target, options), {
    kind,
    options: Object.freeze({ ...options }),
    toString: () => `${kind}()`,
  }));

/**
 * torch.nn.CrossEntropyLoss: cross-entropy from logits and class indices or probabilities.
 * @example
 * const loss = nn.crossEntropyLoss({ labelSmoothing: 0.1 });
 * loss(model.forward(params, x), y);
 */
export const crossEntropyLoss = (options: L.CrossEntropyOptions = {}): Loss => bind("CrossEntropyLoss", L.crossEntropy, options);
/** torch.nn.NLLLoss: negative log-likelihood of log-probabilities at the target classes. */
export const nllLoss = (options: L.NllLossOptions = {}): Loss => bind("NLLLoss", L.nllLoss, options);
/** torch.nn.MSELoss: mean squared error. */
export const mseLoss = (options: L.ReductionOptions = {}): Loss => bind("MSELoss", L.mseLoss, options);
/** torch.nn.L1Loss: mean absolute error. */
export const l1Loss = (options: L.ReductionOptions = {}): Loss => bind("L1Loss", L.l1Loss, options);
/** torch.nn.SmoothL1Loss: quadratic below `beta`, linear above. */
export const smoothL1Loss = (options: L.ReductionOptions & { beta?: number } = {}): Loss => bind("SmoothL1Loss", L.smoothL1Loss, options);
/** torch.nn.HuberLoss: quadratic below `delta`, linear above (scaled by delta). */
export const huberLoss = (options: L.ReductionOptions & { delta?: number } = {}): Loss => bind("HuberLoss", L.huberLoss, options);
/** torch.nn.BCELoss: binary cross-entropy of probabilities. */
export const bceLoss = (options: L.ReductionOptions & { weight?: Tensor | undefined } = {}): Loss =>
  bind("BCELoss", L.binaryCrossEntropy, options);
/** torch.nn.BCEWithLogitsLoss: binary cross-entropy of logits, computed stably. */
export const bceWithLogitsLoss = (options: L.ReductionOptions & { weight?: Tensor | undefined; posWeight?: Tensor | undefined } = {}): Loss =>
  bind("BCEWithLogitsLoss", L.binaryCrossEntropyWithLogits, options);
/** torch.nn.KLDivLoss: Kullback–Leibler divergence of log-probabilities from a target distribution. */
export const klDivLoss = (options: { reduction?: L.Reduction | "batchmean"; logTarget?: boolean } = {}): Loss => bind("KLDivLoss", L.klDiv, options);
