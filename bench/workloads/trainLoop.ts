// lenet-train-loop: the whole training loop — loader (shuffled, collated batches of 256 from an in-memory dataset of 28×28
// images), trainStep with loss and accuracy metrics, the epochs() summary — against the same trainStep alone on one fixed
// batch (column step-only), in samples/s; the ratio column is loop ÷ step-only (issue 11 wants it ≥ 0.9).
import { lastValueFrom } from "rxjs";
import {
  accuracy, crossEntropy, epochs, key, loader, nn, randn, sgd, split, tensor, trainState, trainStep, trainSteps,
  type Dataset, type LossFn, type Sample, type Tensor,
} from "../../src/index.js";
import type { Task, Workload } from "../workload.js";

const BATCH = 256;
const BATCHES = 8; // one epoch of the loop: 2,048 images

type Batch = { input: Tensor; target: Tensor };

const setup = () => {
  const model = nn.zoo.lenet();
  const loss: LossFn<nn.Params, Batch> = (p, { input, target }) => {
    const output = model.forward(p, input, { training: true });
    return [crossEntropy(output, target), { metrics: { accuracy: accuracy(output, target) } }];
  };
  const optimizer = sgd({ lr: 0.9 });
  const [kp, kx] = split(key(0));
  const state0 = trainState({ params: model.init(kp!).params, optimizer });
  return { step: trainStep({ loss, optimizer }), state0, kx: kx! };
};

/** The loop: one epoch of BATCHES batches through loader → trainSteps → epochs, its summary awaited. */
const loopTask = (): Task => {
  const { step, state0, kx } = setup();
  const pixels = randn(kx, [BATCHES * BATCH, 1, 28, 28]).dataSync() as Float32Array;
  const images = Array.from({ length: BATCHES * BATCH }, (_, i) => tensor(pixels.subarray(i * 784, (i + 1) * 784), { shape: [1, 28, 28] }));
  const data: Dataset<Sample<Tensor>> = { length: images.length, get: (i) => ({ input: images[i]!, target: (i * 7) % 10 }) };
  const batches = loader(data, { batchSize: BATCH, shuffle: true });
  return { run: async () => void (await lastValueFrom(batches.epochs(1).pipe(trainSteps(step, state0), epochs()))) };
};

/** The same step alone: a fixed batch, the state threaded through, metrics read back by the step as in the loop. */
const stepTask = (): Task => {
  const { step, state0, kx } = setup();
  const [ki, kt] = split(kx);
  const batch: Batch = { input: randn(ki!, [BATCH, 1, 28, 28]), target: tensor(Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % 10), { shape: [BATCH] }) };
  void kt;
  let state = state0;
  return {
    run: async () => {
      for (let i = 0; i < BATCHES; i++) {
        const out = await step(state, { epoch: 0, index: i, batch, samples: BATCH, last: i === BATCHES - 1 });
        state = out.state;
      }
    },
  };
};

export const lenetTrainLoop: Workload = {
  name: "lenet-train-loop",
  unit: "samples/s",
  higherIsBetter: true,
  score: (ms) => (BATCHES * BATCH * 1000) / ms,
  group: () => `training loop vs step only (LeNet, batch ${BATCH}, ${BATCHES} batches a run; ratio = loop ÷ step-only, the issue's bar is ≥ 0.9×)`,
  rivulet: async () => loopTask(),
  compare: [{ name: "step-only", task: async () => stepTask() }],
};

export const trainLoopWorkloads: readonly Workload[] = [lenetTrainLoop];
