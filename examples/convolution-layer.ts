// Curriculum section "神经网络-卷积层" (the convolution layer): a module holding Conv2d(3 → 6, kernel 3) applied to CIFAR-10 batches, inputs and outputs logged as image grids.
//
// The module is a value: `init` makes its parameters (PyTorch's default initialisation, from a key), `forward` applies them.
// The weights are random, so the output images differ from the notes' (PyTorch's RNG is not rivulet's); the shapes do not.
import { join } from "node:path";
import { cifar10, key, loader, nn, openSummaryWriter, reshape, transforms, type Tensor } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const { root, download } = cifar10Source();
const dataset = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
const dataloader = loader(dataset, { batchSize: 64 });

// class Module_conv(nn.Module): one child, conv1, and a forward that calls it.
const moduleConv = nn.defineModule({
  kind: "Module_conv",
  children: { conv1: nn.conv2d({ inChannels: 3, outChannels: 6, kernelSize: 3, stride: 1, padding: 0 }) },
  forward: ({ children }, input: Tensor) => children.conv1(input),
});
console.log(String(moduleConv));
const { params } = moduleConv.init(key(0));
console.log("conv1.weight:", (params["conv1"] as { weight: Tensor }).weight.shape); // [6, 3, 3, 3]

const logdir = exampleDir("convolution-layer");
const writer = await openSummaryWriter(logdir);
const limit = quick ? 2 : Infinity;
let step = 0;
for await (const { input: imgs } of dataloader.epoch(0)) {
  if (step >= limit) break;
  const output = moduleConv.forward(params, imgs);
  if (step === 0) console.log("imgs:", imgs.shape, "→ output:", output.shape); // [64, 3, 32, 32] → [64, 6, 30, 30]
  if (output.shape.slice(1).join() !== "6,30,30") throw new Error(`expected [N, 6, 30, 30], got [${output.shape}]`);
  step++;
  await writer.addImages("module_conv_in", imgs, step);
  // Six channels cannot be shown as a colour image: fold them into twice as many 3-channel images, as the notes do.
  const asRgb = reshape(output, [-1, 3, 30, 30]);
  if (step === 1) console.log("reshaped for display:", asRgb.shape); // [128, 3, 30, 30]
  await writer.addImages("module_conv_out", asRgb, step);
}
await writer.close();
console.log(`${step} batches; view with: tensorboard --logdir ${logdir}`);
