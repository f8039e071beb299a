// The main job (`npm start`): the curriculum's LeNet on Fashion-MNIST — batch 256, SGD lr 0.9, 10 epochs, Xavier init — with every sink.
import { join } from "node:path";

/** The defaults `rivulet train` runs with when given no options: d2l's `train_ch6(net, train_iter, test_iter, 10, 0.9, device)`. */
export const MAIN_JOB = {
  model: "lenet",
  dataset: "fashion-mnist",
  epochs: 10,
  // d2l's init_weights: nn.init.xavier_uniform_ on every Linear and Conv2d weight.
  init: "xavier",
  device: "auto",
} as const;

const two = (n: number): string => String(n).padStart(2, "0");

/**
 * The run directory for a model started at `date`: `runs/2025-01-31_14-05-09-lenet` (local time, sortable, one per run).
 * @example
 * runDirectory("lenet"); // "runs/2025-01-31_14-05-09-lenet"
 */
export const runDirectory = (model: string, date = new Date()): string =>
  join("runs", `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}_${two(date.getHours())}-${two(date.getMinutes())}-${two(date.getSeconds())}-${model}`);
