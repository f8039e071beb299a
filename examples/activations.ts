// Curriculum section "非线性激活" (non-linear activations): ReLU zeroes the negatives; Sigmoid squashes into (0, 1), shown on numbers and on CIFAR-10 images in TensorBoard.
import { join } from "node:path";
import { cifar10, key, loader, nn, openSummaryWriter, reshape, tensor, transforms, type Tensor } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const close = (a: number[], b: number[], tol = 1e-6) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol);

const input = reshape(tensor([[1, -1.5], [-2.5, 3]]), [1, 1, 2, 2]);

// class Nolinear_nn(nn.Module): a ReLU and a Sigmoid as children; the forward picks one.
const nolinear = (use: "relu1" | "sigmoid1") =>
  nn.defineModule({
    kind: "Nolinear_nn",
    children: { relu1: nn.relu(), sigmoid1: nn.sigmoid() },
    forward: ({ children }, x: Tensor) => children[use](x),
  });

// ---- ReLU: max(0, x) -------------------------------------------------------------------------------------------
const relu = nolinear("relu1");
const reluOut = relu.forward(relu.init(key(0)).params, input);
console.log("ReLU:\n" + reluOut.toString());
if (!close(Array.from(reluOut.dataSync()), [1, 0, 0, 3])) throw new Error(`ReLU: expected [1, 0, 0, 3], got ${reluOut.dataSync()}`);

// ---- Sigmoid: 1 / (1 + e^-x) -------------------------------------------------------------------------------------
const sigmoid = nolinear("sigmoid1");
const { params } = sigmoid.init(key(0));
const sigOut = sigmoid.forward(params, input);
console.log("Sigmoid:\n" + sigOut.toString());
const torchSigmoid = [0.7310585975646973, 0.18242552876472473, 0.07585817575454712, 0.9525741338729858]; // PyTorch's float32 values
if (!close(Array.from(sigOut.dataSync()), torchSigmoid)) throw new Error(`Sigmoid: expected ${torchSigmoid}, got ${sigOut.dataSync()}`);

// ---- On CIFAR-10: sigmoid maps [0, 1] pixels into [0.5, 0.73], so the images come out greyed and washed out --------
const { root, download } = cifar10Source();
const dataset = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
const dataloader = loader(dataset, { batchSize: 64 });
const logdir = exampleDir("activations");
const writer = await openSummaryWriter(logdir);
const limit = quick ? 2 : Infinity;
let step = 0;
for await (const { input: imgs } of dataloader.epoch(0)) {
  if (step >= limit) break;
  step++;
  const imgsSigmoid = sigmoid.forward(params, imgs);
  await writer.addImages("imgs_nl", imgs, step);
  await writer.addImages("imgs_sigmoid", imgsSigmoid, step);
  if (step === 1) console.log(`sigmoid of a batch: ${JSON.stringify(imgsSigmoid.shape)}, values in [${imgsSigmoid.min().item().toFixed(4)}, ${imgsSigmoid.max().item().toFixed(4)}]`);
}
await writer.close();
console.log(`${step} batches; view with: tensorboard --logdir ${logdir}`);
