// mlp-train: one SGD step of d2l's MLP 784-256-10 (ReLU, cross-entropy) on a batch of 256 random inputs, in samples/s.
import { nn } from "../../src/index.js";
import type { Workload } from "../workload.js";
import { modelStep } from "../_rivuletStep.js";
import { tfjsMlp, tfjsTrainTask } from "../_tfjsNets.js";
import { jaxMlp, jaxTrainTask } from "../_jax.js";

const BATCH = 256;

export const mlpTrain: Workload = {
  name: "mlp-train",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (BATCH * 1000) / ms,
  rivulet: async () => {
    const step = modelStep(nn.zoo.mlp(), [784], BATCH, 0.1);
    return { run: () => void step() };
  },
  tfjs: (tf) => tfjsTrainTask(tf, tfjsMlp(tf), [784], BATCH),
  jax: (jax) => jaxTrainTask(jax, jaxMlp, [784], BATCH),
};

export const mlpWorkloads: readonly Workload[] = [mlpTrain];
