// Curriculum section "线性层" (the linear layer): a whole CIFAR-10 batch of 64 flattened into one row of 196608 numbers, mapped by Linear(196608, 10) to 10.
import { cifar10, flatten, key, loader, nn, reshape, transforms, type Tensor } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";

const quick = process.argv.includes("--quick");
const { root, download } = cifar10Source();
const dataset = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
// drop_last: the layer needs exactly 64 · 3 · 32 · 32 = 196608 inputs, so a short last batch would not fit.
const dataloader = loader(dataset, { batchSize: 64, dropLast: true });

// class linear_nn(nn.Module): one Linear(196608, 10).
const linearNn = nn.defineModule({
  kind: "linear_nn",
  children: { linear1: nn.linear({ inFeatures: 196608, outFeatures: 10 }) },
  forward: ({ children }, input: Tensor) => children.linear1(input),
});
const { params } = linearNn.init(key(0));
console.log(String(linearNn));

const limit = quick ? 2 : Infinity;
let step = 0;
for await (const { input: imgs } of dataloader.epoch(0)) {
  if (step++ >= limit) break;
  console.log(imgs.shape); // [64, 3, 32, 32]
  const imgsRe = reshape(imgs, [1, 1, 1, -1]);
  console.log(imgsRe.shape); // [1, 1, 1, 196608]
  const imgsLinear = linearNn.forward(params, imgsRe);
  console.log(imgsLinear.shape); // [1, 1, 1, 10]: Linear acts on the last axis
  if (imgsLinear.shape.join() !== "1,1,1,10") throw new Error(`expected [1, 1, 1, 10], got [${imgsLinear.shape}]`);
}
// torch.flatten(imgs) is the other way to make one row: a 1-D tensor of 196608.
console.log("flatten of one image:", flatten(dataset.get(0).input).shape); // [3072]
