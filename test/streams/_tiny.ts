// A tiny softmax-regression problem shared by the training-stream tests: data, params and a mean cross-entropy loss.
import { tensor, matmul, add, crossEntropy, accuracy, key, randn, zeros, type Dataset, type Sample, type Tensor, type LossFn, foldIn, split } from "../../src/index.js";

export interface Params {
  readonly w: Tensor;
  readonly b: Tensor;
}

export type Batch = { input: Tensor; target: Tensor };

/** n samples of 3 features in 4 classes, deterministic. */
export const tinyData = (n: number, seed = 1): Dataset<Sample<Tensor>> => {
  const x = randn(key(seed), [n, 3]).tolist() as number[][];
  return { length: n, get: (i) => ({ input: tensor(x[i]!), target: (i * 7 + 3) % 4 }) };
};

export const tinyParams = (seed = 0): Params => ({ w: randn(key(seed), [3, 4]).mul(0.5), b: zeros([4]) });

export const logits = (p: Params, x: Tensor): Tensor => add(matmul(x, p.w), p.b);

export const tinyLoss: LossFn<Params, Batch> = (p, { input, target }) => {
  const out = logits(p, input);
  return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
};

export { foldIn, split };
