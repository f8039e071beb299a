// Curriculum section "丢弃法 — 简洁实现" (dropout, concise): nn.Dropout layers after each hidden layer.
//
// `nn.dropout({ p })` drops only in training mode; the training step runs the model with `training: true` and its
// own key, `evaluate` runs it with training off, which is PyTorch's net.train() / net.eval() without the state.
// The masks and initial weights come from rivulet's keys, so accuracies differ from PyTorch's in their digits.
//
//   npx tsx examples/dropout-concise.ts           # dropout 0.2 and 0.5, 256/256 hidden units, lr 0.5, 10 epochs
//   npx tsx examples/dropout-concise.ts --quick   # a few hundred samples, 2 epochs
import {
  nn, key, split, ones, crossEntropy, accuracy, sgd, type LossFn, type Tensor,
} from "../src/index.js";
import { loadDataFashionMnist, trainCh3 } from "./_d2l.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const [dropout1, dropout2] = [0.2, 0.5];

const net = nn.sequential([
  nn.flatten(),
  nn.linear({ inFeatures: 784, outFeatures: 256 }),
  nn.relu(),
  nn.dropout({ p: dropout1 }), // 在第一个全连接层之后添加一个dropout层
  nn.linear({ inFeatures: 256, outFeatures: 256 }),
  nn.relu(),
  nn.dropout({ p: dropout2 }), // 在第二个全连接层之后添加一个dropout层
  nn.linear({ inFeatures: 256, outFeatures: 10 }),
]);
console.log(String(net));
const [kInit, kWeights] = split(key(0));
// net.apply(init_weights): N(0, 0.01²) for every Linear's weight
const params = nn.reinit(net, net.init(kInit!).params, kWeights!, { weight: nn.init.normal({ std: 0.01 }) }, { kinds: ["Linear"] });

// Dropout in the two modes: training zeroes about half of the elements (p = 0.5) and doubles the rest;
// evaluation passes the input through unchanged.
const drop = nn.dropout({ p: 0.5 });
const x = ones([2, 8]);
console.log("Dropout(0.5), training:", String(drop.forward({}, x, { training: true, key: key(1) })));
console.log("Dropout(0.5), eval:", String(drop.forward({}, x)));
if (!drop.forward({}, x).eq(x).dataSync().every(Boolean)) throw new Error("Dropout must be the identity in evaluation mode");

// ---- 训练和测试: num_epochs, lr, batch_size = 10, 0.5, 256 -------------------------------------------------------------
const [numEpochs, lr, batchSize] = [quick ? 2 : 10, 0.5, 256];
type Batch = { input: Tensor; target: Tensor };
const loss: LossFn<typeof params, Batch> = (p, { input, target }, ctx) => {
  const out = net.forward(p, input, { training: ctx.training, key: ctx.key });
  return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
};
const trainer = sgd({ lr });

const { trainIter, testIter } = await loadDataFashionMnist(batchSize, quick);

const runDir = exampleDir("dropout-concise"); // runs/dropout-concise; with --quick a temporary folder removed at exit
const rows = await trainCh3({ loss, optimizer: trainer, params, seed: 1, train: trainIter, test: testIter, numEpochs, runDir });
const last = rows.at(-1)!;
console.log(`test acc ${last.test_acc.toFixed(4)} after ${numEpochs} epochs; curves in ${runDir}/curves.svg`);
if (quick) {
  if (!(last.train_loss < rows[0]!.train_loss)) throw new Error(`expected the train loss to fall, got ${rows.map((r) => r.train_loss).join(", ")}`);
} else if (!(last.test_acc >= 0.8)) throw new Error(`expected test accuracy >= 0.8 after 10 epochs, got ${last.test_acc}`);
