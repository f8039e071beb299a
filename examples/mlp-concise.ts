// Curriculum section "多层感知机的简洁实现" (MLP, concise): Flatten, Linear(784, 256), ReLU, Linear(256, 10).
//
// The same network as mlp-scratch.ts from nn layers: `nn.sequential` names its children 0..3 as PyTorch does,
// `nn.reinit` is net.apply(init_weights), and training is the train_ch3 pipeline. Initial weights come from
// rivulet's keys, not PyTorch's generator.
//
//   npx tsx examples/mlp-concise.ts           # batch 256, lr 0.1, 10 epochs
//   npx tsx examples/mlp-concise.ts --quick   # a few hundred samples, 2 epochs
import {
  nn, key, split, crossEntropy, accuracy, sgd, type LossFn, type Tensor,
} from "../src/index.js";
import { loadDataFashionMnist, trainCh3 } from "./_d2l.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const started = Date.now();

// ---- 模型 -------------------------------------------------------------------------------------------------------
const net = nn.sequential([
  nn.flatten(),
  nn.linear({ inFeatures: 784, outFeatures: 256 }),
  nn.relu(),
  nn.linear({ inFeatures: 256, outFeatures: 10 }),
]);
console.log(String(net));

// init_weights: nn.init.normal_(m.weight, std=0.01) for every Linear; biases keep PyTorch's default init.
const [kInit, kWeights] = split(key(0));
const params = nn.reinit(net, net.init(kInit!).params, kWeights!, { weight: nn.init.normal({ std: 0.01 }) }, { kinds: ["Linear"] });
for (const [name, p] of nn.namedParameters(params)) console.log(name, p.shape);

// ---- batch_size, lr, num_epochs = 256, 0.1, 10; CrossEntropyLoss; SGD ----------------------------------------------
const batchSize = 256;
const numEpochs = quick ? 2 : 10;
type Params = typeof params;
type Batch = { input: Tensor; target: Tensor };
const loss: LossFn<Params, Batch> = (p, { input, target }) => {
  const out = net.forward(p, input);
  return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
};
const trainer = sgd({ lr: 0.1 });

// ---- 数据 (d2l.load_data_fashion_mnist(batch_size)) ---------------------------------------------------------------
const { trainIter, testIter } = await loadDataFashionMnist(batchSize, quick);

// ---- d2l.train_ch3 --------------------------------------------------------------------------------------------------
const runDir = exampleDir("mlp-concise"); // runs/mlp-concise; with --quick a temporary folder removed at exit
const rows = await trainCh3({ loss, optimizer: trainer, params, seed: 0, train: trainIter, test: testIter, numEpochs, runDir });

const last = rows.at(-1)!;
const seconds = (Date.now() - started) / 1000;
console.log(`test acc ${last.test_acc.toFixed(4)} after ${numEpochs} epochs, ${seconds.toFixed(1)} s; curves in ${runDir}/curves.svg`);
if (quick) {
  // A couple of steps on a few hundred images only have to move the loss the right way.
  if (!(last.train_loss < rows[0]!.train_loss)) throw new Error(`expected the train loss to fall, got ${rows.map((r) => r.train_loss).join(", ")}`);
} else {
  // Issue 4 aims at 0.84 after 10 epochs. Plain SGD at lr 0.1 swings a few points between epochs, so report the
  // best epoch too (docs/results.md records what this run gives) rather than failing after minutes of training.
  const best = rows.reduce((b, r) => (r.test_acc > b.test_acc ? r : b));
  console.log(`target test acc >= 0.84 after 10 epochs: ${last.test_acc >= 0.84 ? "met" : "not met"} (best ${best.test_acc.toFixed(4)})`);
}
