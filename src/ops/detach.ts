// detach: the same values with no autodiff history, so no gradient flows through (JAX's stop_gradient).
import { Tensor } from "./Tensor.js";

/**
 * Returns a tensor with the same values that gradients do not flow through.
 * @example
 * const target = detach(prediction); // treated as a constant by grad
 */
export const detach = (x: Tensor): Tensor =>
  x.requiresGrad ? new Tensor(x.storage, x.shape, x.dtype, x.device) : x;
