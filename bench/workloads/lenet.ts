// lenet-train-step and lenet-infer: the curriculum's LeNet (sigmoid, avg-pool) on a batch of 256 random 28×28 images —
// one training step (valueAndGrad of cross-entropy, then an SGD update), or one forward pass — in samples/s.
import { nn } from "../../src/index.js";
import type { Workload } from "../workload.js";
import { modelInfer, modelStep } from "../_rivuletStep.js";
import { convTrainingGap, tfjsInferTask, tfjsLenet, tfjsTrainTask } from "../_tfjsNets.js";
import { jaxInferTask, jaxLenet, jaxTrainTask } from "../_jax.js";

const BATCH = 256;

/** A closure running one full step (forward, backward, update) and reading the loss back; shared with bench/lenetStep.ts. */
export const lenetStep = (batch: number): (() => number) => modelStep(nn.zoo.lenet(), [1, 28, 28], batch);

export const lenetTrainStep: Workload = {
  name: "lenet-train-step",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (BATCH * 1000) / ms,
  rivulet: async () => {
    const step = lenetStep(BATCH);
    return { run: () => void step() };
  },
  tfjs: (tf, backend) => convTrainingGap(tf, backend) ?? tfjsTrainTask(tf, tfjsLenet(tf), [28, 28, 1], BATCH),
  jax: (jax) => jaxTrainTask(jax, jaxLenet, [1, 28, 28], BATCH),
};

export const lenetInfer: Workload = {
  name: "lenet-infer",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (BATCH * 1000) / ms,
  rivulet: async () => {
    const infer = modelInfer(nn.zoo.lenet(), [1, 28, 28], BATCH);
    return { run: () => void infer() };
  },
  tfjs: (tf) => tfjsInferTask(tf, tfjsLenet(tf), [28, 28, 1], BATCH),
  jax: (jax) => jaxInferTask(jax, jaxLenet, [1, 28, 28], BATCH),
};

export const lenetWorkloads: readonly Workload[] = [lenetTrainStep, lenetInfer];
