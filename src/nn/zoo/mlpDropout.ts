// d2l's concise MLP with dropout: two hidden ReLU layers, each followed by Dropout (0.2, then 0.5).
import { sequential, type Sequential } from "../sequential.js";
import { flatten } from "../flatten.js";
import { linear } from "../linear.js";
import { relu } from "../activations.js";
import { dropout } from "../dropout.js";

export interface MlpDropoutOptions {
  readonly numInputs?: number;
  readonly numHiddens1?: number;
  readonly numHiddens2?: number;
  readonly numOutputs?: number;
  /** Drop probability after the first hidden layer (default 0.2). */
  readonly dropout1?: number;
  /** Drop probability after the second hidden layer (default 0.5). */
  readonly dropout2?: number;
}

/**
 * The curriculum's MLP with dropout: Flatten, Linear(784, 256), ReLU, Dropout(0.2), Linear(256, 256), ReLU, Dropout(0.5), Linear(256, 10).
 * Dropout acts only in training mode, with an explicit key.
 * @example
 * const net = nn.zoo.mlpDropout();
 * const { output } = net.apply(net.init(key(0)), x, { training: true, key: key(1) });
 */
export const mlpDropout = ({
  numInputs = 784, numHiddens1 = 256, numHiddens2 = 256, numOutputs = 10, dropout1 = 0.2, dropout2 = 0.5,
}: MlpDropoutOptions = {}): Sequential =>
  sequential([
    flatten(),
    linear({ inFeatures: numInputs, outFeatures: numHiddens1 }), relu(), dropout({ p: dropout1 }),
    linear({ inFeatures: numHiddens1, outFeatures: numHiddens2 }), relu(), dropout({ p: dropout2 }),
    linear({ inFeatures: numHiddens2, outFeatures: numOutputs }),
  ]);
