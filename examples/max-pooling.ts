// Curriculum section "最大池化" (max pooling): MaxPool2d(kernel 3, ceil_mode) on the notes' 5×5 input, then on CIFAR-10 batches logged to TensorBoard.
//
// ceil_mode keeps the partial windows at the right and bottom edges; the numbers are PyTorch's and are checked.
import { join } from "node:path";
import { cifar10, key, loader, nn, openSummaryWriter, reshape, tensor, transforms, type Tensor } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");

// ---- On the 5×5 input (float32, as max pooling needs floats in PyTorch) --------------------------------------------
const input = reshape(
  tensor([
    [1, 2, 0, 3, 1],
    [0, 1, 2, 3, 1],
    [1, 2, 1, 0, 0],
    [5, 2, 3, 1, 1],
    [2, 1, 0, 1, 1],
  ]),
  [1, 1, 5, 5],
);

// class Maxpool_nn(nn.Module): a module whose forward is one MaxPool2d.
const maxpoolNn = (ceilMode: boolean) =>
  nn.defineModule({
    kind: "Maxpool_nn",
    children: { maxpool1: nn.maxPool2d({ kernelSize: 3, ceilMode }) },
    forward: ({ children }, x: Tensor) => children.maxpool1(x),
  });

const expected = { true: [[2, 3], [5, 1]], false: [[2]] }; // PyTorch's outputs
for (const ceilMode of [true, false]) {
  const m = maxpoolNn(ceilMode);
  const output = m.forward(m.init(key(0)).params, input); // no parameters: pooling only
  console.log(`ceil_mode=${ceilMode}:\n${output.toString()}`);
  const got = (output.tolist() as number[][][][])[0]![0]!;
  if (JSON.stringify(got) !== JSON.stringify(expected[`${ceilMode}`])) throw new Error(`ceil_mode=${ceilMode}: expected ${JSON.stringify(expected[`${ceilMode}`])}, got ${JSON.stringify(got)}`);
}

// ---- On CIFAR-10: pooling keeps the strongest response in each 3×3 window, like a mosaic of the image ----------------
const { root, download } = cifar10Source();
const dataset = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
const dataloader = loader(dataset, { batchSize: 64 });
const pool = maxpoolNn(true);
const { params } = pool.init(key(0));
const logdir = exampleDir("max-pooling");
const writer = await openSummaryWriter(logdir);
const limit = quick ? 2 : Infinity;
let step = 0;
for await (const { input: imgs } of dataloader.epoch(0)) {
  if (step >= limit) break;
  step++;
  await writer.addImages("img", imgs, step);
  const pooled = pool.forward(params, imgs);
  if (step === 1) console.log("imgs:", imgs.shape, "→ maxpool_img:", pooled.shape); // 32 → ceil(32 / 3) = 11
  if (pooled.shape.slice(1).join() !== "3,11,11") throw new Error(`expected [N, 3, 11, 11], got [${pooled.shape}]`);
  await writer.addImages("maxpool_img", pooled, step);
}
await writer.close();
console.log(`${step} batches; view with: tensorboard --logdir ${logdir}`);
