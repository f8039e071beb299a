// d2l's concise multilayer perceptron: flatten, one hidden ReLU layer, output layer.
import { sequential, type Sequential } from "../sequential.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";

export interface MlpOptions {
  readonly numInputs?: number;
  readonly numHiddens?: number;
  readonly numOutputs?: number;
}

/**
 * `nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))`, the curriculum's MLP.
 * @example
 * const net = nn.zoo.mlp();
 * net.forward(net.init(key(0)).params, zeros([256, 1, 28, 28])); // [256, 10]
 */
export const mlp = ({ numInputs = 784, numHiddens = 256, numOutputs = 10 }: MlpOptions = {}): Sequential =>
  sequential([flatten(), linear({ inFeatures: numInputs, outFeatures: numHiddens }), relu(), linear({ inFeatures: numHiddens, outFeatures: numOutputs })]);
