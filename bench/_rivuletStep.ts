// rivulet's side of the training and inference rows: one SGD step, or one forward pass, of a zoo model on a fixed random batch.
import { applyUpdates, cpuDevice, crossEntropy, deviceRuntime, key, nn, randint, randn, sgd, split, valueAndGrad, type GradientTransformation, type Tensor } from "../src/index.js";

/**
 * A closure running one training step of `lossOf` with optimizer `opt` from `params` and reading the loss back, in a
 * CPU step scope as users' steps run (trainStep, deviceRuntime(device).step): the previous params and optimizer
 * state are donated, so the arrays the step does not keep are recycled (RIVULET_CPU_POOL=0 compares against fresh arrays).
 */
export const scopedStep = <S>(lossOf: (p: nn.Params) => readonly [Tensor, nn.Params], opt: GradientTransformation<S>, initial: nn.Params): (() => number) => {
  let params = initial;
  let state = opt.init(params);
  const runtime = deviceRuntime(cpuDevice);
  return () => {
    const r = runtime.step(() => {
      const [loss, grads] = lossOf(params);
      const { updates, state: next } = opt.update(grads, state, params);
      return { params: applyUpdates(params, updates), state: next, loss: loss.item() };
    }, { donate: { params, state } });
    [params, state] = [r.params, r.state];
    return r.loss;
  };
};

/** A closure running one full step (forward, cross-entropy, backward, SGD update) of a zoo model on a fixed random batch (`scopedStep`). */
export const modelStep = (model: nn.Module<Tensor, Tensor>, sample: readonly number[], batch: number, lr = 0.9): (() => number) => {
  const [kp, kx, ky] = split(key(0), 3);
  const x = randn(kx!, [batch, ...sample]);
  const y = randint(ky!, 0, 10, [batch]);
  const lossOf = valueAndGrad((p: nn.Params) => crossEntropy(model.forward(p, x, { training: true }), y));
  return scopedStep(lossOf, sgd({ lr }), model.init(kp!).params);
};

/** A closure running one forward pass in evaluation mode and reading the logits back, in a CPU step scope as `evaluate` runs each batch. */
export const modelInfer = (model: nn.Module<Tensor, Tensor>, sample: readonly number[], batch: number): (() => Float32Array) => {
  const [kp, kx] = split(key(0));
  const params = model.init(kp!).params;
  const x = randn(kx!, [batch, ...sample]);
  const runtime = deviceRuntime(cpuDevice);
  return () => runtime.step(() => model.forward(params, x, { training: false }).dataSync() as Float32Array);
};
