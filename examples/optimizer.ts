// Curriculum section "优化器" (optimizers): SGD(lr=0.001) on the notes' network, one CIFAR-10 image per step, printing the running loss of each epoch.
//
// torch.optim.SGD mutates the parameters in place after zero_grad() and backward(). Here an optimizer is a pair of
// pure functions (Optax-style): `update` turns gradients into updates, `applyUpdates` makes the new parameters.
// Initial weights come from rivulet's RNG, so the losses differ from the notes' run; they fall the same way.
import { applyUpdates, cifar10, crossEntropy, key, loader, nn, sgd, transforms, valueAndGrad, type Dataset, type Sample, type Tensor } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";

const quick = process.argv.includes("--quick");
const epochs = quick ? 3 : 20;

const { root, download } = cifar10Source();
const testSet = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
// --quick trains on the first 32 images only; the full run uses the whole test split, as the notes do.
const n = quick ? 32 : testSet.length;
const dataset: Dataset<Sample<Tensor>> = { length: n, get: (i) => testSet.get(i) };
const dataloader = loader(dataset, { batchSize: 1 });

const modulePrac = nn.defineModule({
  kind: "ModulePrac",
  children: {
    module1: nn.sequential([
      nn.conv2d({ inChannels: 3, outChannels: 32, kernelSize: 5, padding: 2 }), nn.maxPool2d({ kernelSize: 2 }),
      nn.conv2d({ inChannels: 32, outChannels: 32, kernelSize: 5, padding: 2 }), nn.maxPool2d({ kernelSize: 2 }),
      nn.conv2d({ inChannels: 32, outChannels: 64, kernelSize: 5, padding: 2 }), nn.maxPool2d({ kernelSize: 2 }),
      nn.flatten(), nn.linear({ inFeatures: 1024, outFeatures: 64 }), nn.linear({ inFeatures: 64, outFeatures: 10 }),
    ]),
  },
  forward: ({ children }, x: Tensor) => children.module1(x),
});
let { params } = modulePrac.init(key(0));
type Params = typeof params;

// optim = torch.optim.SGD(module.parameters(), lr=0.001)
const optim = sgd({ lr: 0.001 });
let optState = optim.init(params);
const lossOf = (p: Params, imgs: Tensor, targets: Tensor) => crossEntropy(modulePrac.forward(p, imgs), targets);

const runningLosses: number[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  let runningLoss = 0;
  for await (const { input: imgs, target: targets } of dataloader.epoch(epoch)) {
    // backward(): the gradients as a fresh value, so there is nothing to zero first.
    const [lossRes, grads] = valueAndGrad((p: Params) => lossOf(p, imgs, targets))(params);
    // step(): new parameters and a new optimizer state.
    const { updates, state } = optim.update(grads, optState, params);
    [params, optState] = [applyUpdates(params, updates), state];
    runningLoss += lossRes.item();
  }
  runningLosses.push(runningLoss);
  console.log(`第${epoch + 1}轮的running_loss值为 (running loss of epoch ${epoch + 1}): ${runningLoss.toFixed(4)}`);
}
if (!(runningLosses.at(-1)! < runningLosses[0]!)) throw new Error(`the running loss should fall: ${runningLosses.map((l) => l.toFixed(3)).join(" → ")}`);
