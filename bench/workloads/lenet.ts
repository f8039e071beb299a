// lenet-train-step: one training step of the curriculum's LeNet (sigmoid, avg-pool) on a batch of 256 random 28×28 images,
// valueAndGrad of cross-entropy then an SGD update, in samples/s.
import { applyUpdates, crossEntropy, key, nn, randint, randn, sgd, split, valueAndGrad, type Tensor } from "../../src/index.js";
import type { Workload } from "../workload.js";

const BATCH = 256;

/** A closure running one full step (forward, backward, update) and reading the loss back; shared with bench/lenetStep.ts. */
export const lenetStep = (batch: number): (() => number) => {
  const [kp, kx, ky] = split(key(0), 3);
  const model = nn.zoo.lenet();
  let params = model.init(kp!).params;
  const x = randn(kx!, [batch, 1, 28, 28]);
  const y = randint(ky!, 0, 10, [batch]);
  const opt = sgd({ lr: 0.9 });
  let state = opt.init(params);
  const lossOf = valueAndGrad((p: nn.Params) => crossEntropy(model.forward(p, x, { training: true }), y));
  return () => {
    const [loss, grads] = lossOf(params);
    const { updates, state: next } = opt.update(grads, state, params);
    [params, state] = [applyUpdates(params, updates), next];
    return (loss as Tensor).item();
  };
};

export const lenetTrainStep: Workload = {
  name: "lenet-train-step",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (BATCH * 1000) / ms,
  rivulet: async () => {
    const step = lenetStep(BATCH);
    return { run: () => void step() };
  },
};

export const lenetWorkloads: readonly Workload[] = [lenetTrainStep];
