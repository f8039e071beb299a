// cifar-train: one SGD step of the curriculum's CIFAR-10 network (nn.zoo.tudui: three 5×5 conv + max-pool stages,
// 1024-64-10) on a batch of 64 random 32×32 RGB images, in samples/s.
import { nn } from "../../src/index.js";
import type { Workload } from "../workload.js";
import { modelStep } from "../_rivuletStep.js";
import { convTrainingGap } from "../_tfjsNets.js";
import { jaxTrainTask, jaxTudui } from "../_jax.js";

const BATCH = 64;

export const cifarTrain: Workload = {
  name: "cifar-train",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (BATCH * 1000) / ms,
  rivulet: async () => {
    const step = modelStep(nn.zoo.tudui(), [3, 32, 32], BATCH, 0.01);
    return { run: () => void step() };
  },
  // tfjs-cpu's conv2d backward alone takes 25 s on conv2d-backward's shapes, which are this network's first layer.
  tfjs: (tf, backend) => convTrainingGap(tf, backend) ?? "too slow: tfjs-cpu's gradient of the first convolution alone takes about 25 s (see conv2d-backward)",
  jax: (jax) => jaxTrainTask(jax, jaxTudui, [3, 32, 32], BATCH),
};

export const cifarWorkloads: readonly Workload[] = [cifarTrain];
