// d2l's concise softmax regression: flatten, then one linear layer (the softmax lives in the cross-entropy loss).
import { sequential, type Sequential } from "../sequential.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";

export interface SoftmaxRegressionOptions {
  /** Flattened input size (default 784, a 28×28 Fashion-MNIST image). */
  readonly numInputs?: number;
  readonly numOutputs?: number;
}

/**
 * `nn.Sequential(nn.Flatten(), nn.Linear(784, 10))`, the curriculum's softmax regression.
 * @example
 * const net = nn.zoo.softmaxRegression();
 * const params = nn.reinit(net, net.init(key(0)).params, key(1), { weight: nn.init.normal({ std: 0.01 }) }, { kinds: ["Linear"] });
 */
export const softmaxRegression = ({ numInputs = 784, numOutputs = 10 }: SoftmaxRegressionOptions = {}): Sequential =>
  sequential([flatten(), linear({ inFeatures: numInputs, outFeatures: numOutputs })]);
