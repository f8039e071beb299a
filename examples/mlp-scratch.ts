// Curriculum section "多层感知机的从零开始实现" (MLP from scratch): W1, b1, W2, b2 by hand, our own ReLU, 256 hidden units.
//
// The parameters are a plain record (no nn.Parameter, no requires_grad): `valueAndGrad` inside `trainStep`
// differentiates with respect to the whole record. d2l.train_ch3 with torch.optim.SGD is the same pipeline as in
// softmax-regression-concise.ts: trainSteps (the SGD steps), epochs() (the Accumulator), evaluate (test accuracy),
// livePlot (the Animator). Initial weights come from rivulet's keys, not PyTorch's generator.
//
//   npx tsx examples/mlp-scratch.ts           # batch 256, lr 0.1, 10 epochs
//   npx tsx examples/mlp-scratch.ts --quick   # a few hundred samples, 2 epochs
import {
  key, split, randn, zeros, zerosLike, maximum, matmul, tensor, crossEntropy, accuracy, sgd,
  type LossFn, type Tensor,
} from "../src/index.js";
import { loadDataFashionMnist, trainCh3 } from "./_d2l.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const started = Date.now();

// ---- 读取数据 (d2l.load_data_fashion_mnist(256)) ---------------------------------------------------------------
const batchSize = 256;
const { trainIter, testIter } = await loadDataFashionMnist(batchSize, quick);

// ---- 初始化模型参数: randn * 0.01 for the weights, zeros for the biases ------------------------------------------------
const [numInputs, numOutputs, numHiddens] = [784, 10, 256];
const [k1, k2] = split(key(0));
const params = {
  W1: randn(k1!, [numInputs, numHiddens]).mul(0.01),
  b1: zeros([numHiddens]),
  W2: randn(k2!, [numHiddens, numOutputs]).mul(0.01),
  b2: zeros([numOutputs]),
};
type Params = typeof params;

// ---- 激活函数: ReLU as the elementwise maximum with zero ----------------------------------------------------------
const relu = (X: Tensor): Tensor => maximum(X, zerosLike(X));
console.log("relu([-2, -0.5, 0, 1.5]) =", String(relu(tensor([-2, -0.5, 0, 1.5])))); // tensor([0.0000, 0.0000, 0.0000, 1.5000])

// ---- 模型 ---------------------------------------------------------------------------------------------------------
const net = (p: Params, X: Tensor): Tensor => {
  const H = relu(matmul(X.reshape(-1, numInputs), p.W1).add(p.b1)); // "@" is matmul
  return matmul(H, p.W2).add(p.b2);
};

// ---- 损失函数: nn.CrossEntropyLoss (mean over the batch, from logits) -----------------------------------------------
type Batch = { input: Tensor; target: Tensor };
const loss: LossFn<Params, Batch> = (p, { input, target }) => {
  const out = net(p, input);
  return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
};

// ---- 训练: num_epochs, lr = 10, 0.1; updater = torch.optim.SGD(params, lr=lr) ----------------------------------------
const numEpochs = quick ? 2 : 10;
const updater = sgd({ lr: 0.1 });
const runDir = exampleDir("mlp-scratch"); // runs/mlp-scratch; with --quick a temporary folder removed at exit
const rows = await trainCh3({ loss, optimizer: updater, params, seed: 0, train: trainIter, test: testIter, numEpochs, runDir });

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
