// The training rows' networks as tfjs layers models (NHWC), logits out, and a synchronous tfjs SGD step on them.
import type { LayersModel, Tensor as TfTensor } from "@tensorflow/tfjs";
import type { Task, Tf, TfBackend } from "./workload.js";

/** The curriculum's LeNet (sigmoid, average pooling) for [N, 28, 28, 1]. */
export const tfjsLenet = (tf: Tf): LayersModel => tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: "same", activation: "sigmoid" }),
    tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
    tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: "sigmoid" }),
    tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 120, activation: "sigmoid" }),
    tf.layers.dense({ units: 84, activation: "sigmoid" }),
    tf.layers.dense({ units: 10 }),
  ],
});

/** The notes' CIFAR-10 network (nn.zoo.tudui) for [N, 32, 32, 3]. */
export const tfjsTudui = (tf: Tf): LayersModel => tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 5, padding: "same" }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: "same" }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 5, padding: "same" }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 64 }),
    tf.layers.dense({ units: 10 }),
  ],
});

/** d2l's MLP 784-256-10 (ReLU) for [N, 784]. */
export const tfjsMlp = (tf: Tf): LayersModel => tf.sequential({
  layers: [tf.layers.dense({ inputShape: [784], units: 256, activation: "relu" }), tf.layers.dense({ units: 10 })],
});

/** Why `backend` cannot train a convolutional network, or undefined when it can. */
export const convTrainingGap = (tf: Tf, backend: TfBackend): string | undefined =>
  tf.getKernel("Conv2DBackpropFilter", backend) === undefined ? `tfjs-backend-${backend} has no Conv2DBackpropFilter kernel (no conv gradient)` : undefined;

/** One SGD step (lr 0.01) of softmax cross-entropy on a fixed random batch of `sample`-shaped inputs, the loss read back. */
export const tfjsTrainTask = (tf: Tf, model: LayersModel, sample: readonly number[], batch: number): Task => {
  const optimizer = tf.train.sgd(0.01);
  const x = tf.randomNormal([batch, ...sample]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10), "int32"), 10);
  return {
    run: () => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as TfTensor) as TfTensor as never, true);
      loss!.dataSync();
      loss!.dispose();
    },
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    },
  };
};

/** A forward pass (inference) on a fixed random batch, the logits read back. */
export const tfjsInferTask = (tf: Tf, model: LayersModel, sample: readonly number[], batch: number): Task => {
  const x = tf.randomNormal([batch, ...sample]);
  return {
    run: () => {
      const y = model.predict(x) as TfTensor;
      y.dataSync();
      y.dispose();
    },
    dispose: () => {
      x.dispose();
      model.dispose();
    },
  };
};
