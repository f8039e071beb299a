// rivulet's side of the training and inference rows: one SGD step, or one forward pass, of a zoo model on a fixed random batch.
import { applyUpdates, crossEntropy, key, nn, randint, randn, sgd, split, valueAndGrad, type Tensor } from "../src/index.js";

/** A closure running one full step (forward, cross-entropy, backward, SGD update) and reading the loss back. */
export const modelStep = (model: nn.Module<Tensor, Tensor>, sample: readonly number[], batch: number, lr = 0.9): (() => number) => {
  const [kp, kx, ky] = split(key(0), 3);
  let params = model.init(kp!).params;
  const x = randn(kx!, [batch, ...sample]);
  const y = randint(ky!, 0, 10, [batch]);
  const opt = sgd({ lr });
  let state = opt.init(params);
  const lossOf = valueAndGrad((p: nn.Params) => crossEntropy(model.forward(p, x, { training: true }), y));
  return () => {
    const [loss, grads] = lossOf(params);
    const { updates, state: next } = opt.update(grads, state, params);
    [params, state] = [applyUpdates(params, updates), next];
    return (loss as Tensor).item();
  };
};

/** A closure running one forward pass in evaluation mode and reading the logits back. */
export const modelInfer = (model: nn.Module<Tensor, Tensor>, sample: readonly number[], batch: number): (() => Float32Array) => {
  const [kp, kx] = split(key(0));
  const params = model.init(kp!).params;
  const x = randn(kx!, [batch, ...sample]);
  return () => model.forward(params, x, { training: false }).dataSync() as Float32Array;
};
