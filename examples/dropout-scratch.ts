// Curriculum section "丢弃法 — 从零开始实现" (dropout from scratch): dropout_layer by hand inside a custom module.
//
// PyTorch's torch.rand draws from a global generator; here every random draw takes a key. The module gets one per
// call from `apply`'s options (`ctx.key()`), and the training step hands each step its own key, so a run is
// reproducible — but the masks are not PyTorch's, so accuracies differ in their digits.
//
//   npx tsx examples/dropout-scratch.ts           # 256/256 hidden units, dropout 0.2 and 0.5, lr 0.5, 10 epochs
//   npx tsx examples/dropout-scratch.ts --quick   # a few hundred samples, 2 epochs
import {
  nn, key, rand, arange, zerosLike, relu, crossEntropy, accuracy, sgd, type Key, type LossFn, type Tensor,
} from "../src/index.js";
import { loadDataFashionMnist, trainCh3 } from "./_d2l.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");

// ---- dropout_layer: keep each element with probability 1 − p and scale the kept ones by 1 / (1 − p) ----------------------
const dropoutLayer = (X: Tensor, dropout: number, k: Key): Tensor => {
  if (!(dropout >= 0 && dropout <= 1)) throw new Error(`dropout_layer: dropout must be in [0, 1], got ${dropout}`);
  if (dropout === 1) return zerosLike(X); // every element dropped
  if (dropout === 0) return X; // every element kept
  const mask = rand(k, X.shape).gt(dropout).astype("float32");
  return mask.mul(X).div(1 - dropout); // the expectation stays X
};
const X = arange(16, undefined, 1, { dtype: "float32" }).reshape(2, 8);
console.log("X =", String(X));
console.log("dropout 0:", String(dropoutLayer(X, 0, key(1))));
console.log("dropout 0.5:", String(dropoutLayer(X, 0.5, key(1)))); // about half zeroed, the rest doubled
console.log("dropout 1:", String(dropoutLayer(X, 1, key(1))));
if (!dropoutLayer(X, 0, key(1)).eq(X).dataSync().every(Boolean)) throw new Error("dropout 0 must keep X");
if (dropoutLayer(X, 1, key(1)).abs().sum().item() !== 0) throw new Error("dropout 1 must zero X");
const half = Array.from(dropoutLayer(X, 0.5, key(1)).dataSync());
if (!half.every((v, i) => v === 0 || v === 2 * i)) throw new Error(`dropout 0.5 must zero or double each element, got ${half}`);

// ---- 定义模型: Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2) ------------------------------------------------
const [numInputs, numOutputs, numHiddens1, numHiddens2] = [784, 10, 256, 256];
const [dropout1, dropout2] = [0.2, 0.5];
const net = nn.defineModule({
  kind: "Net",
  children: {
    lin1: nn.linear({ inFeatures: numInputs, outFeatures: numHiddens1 }),
    lin2: nn.linear({ inFeatures: numHiddens1, outFeatures: numHiddens2 }),
    lin3: nn.linear({ inFeatures: numHiddens2, outFeatures: numOutputs }),
  },
  // `training` is the module's mode for this call (PyTorch's self.training), and ctx.key() a fresh key for the masks.
  forward: ({ children, training, key }, X: Tensor) => {
    let H1 = relu(children.lin1(X.reshape(-1, numInputs)));
    if (training) H1 = dropoutLayer(H1, dropout1, key()); // 在第一个全连接层之后添加一个dropout层
    let H2 = relu(children.lin2(H1));
    if (training) H2 = dropoutLayer(H2, dropout2, key()); // 在第二个全连接层之后添加一个dropout层
    return children.lin3(H2);
  },
});
console.log(String(net));
const { params } = net.init(key(0));

// ---- 训练和测试: num_epochs, lr, batch_size = 10, 0.5, 256 -------------------------------------------------------------
const [numEpochs, lr, batchSize] = [quick ? 2 : 10, 0.5, 256];
type Batch = { input: Tensor; target: Tensor };
// The step's context says whether this is training (dropout on) or evaluation (off), and gives the step's key.
const loss: LossFn<typeof params, Batch> = (p, { input, target }, ctx) => {
  const out = net.forward(p, input, { training: ctx.training, key: ctx.key });
  return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
};
const trainer = sgd({ lr });

const { trainIter, testIter } = await loadDataFashionMnist(batchSize, quick);

const runDir = exampleDir("dropout-scratch"); // runs/dropout-scratch; with --quick a temporary folder removed at exit
const rows = await trainCh3({ loss, optimizer: trainer, params, seed: 1, train: trainIter, test: testIter, numEpochs, runDir });
const last = rows.at(-1)!;
console.log(`test acc ${last.test_acc.toFixed(4)} after ${numEpochs} epochs; curves in ${runDir}/curves.svg`);
if (quick) {
  if (!(last.train_loss < rows[0]!.train_loss)) throw new Error(`expected the train loss to fall, got ${rows.map((r) => r.train_loss).join(", ")}`);
} else if (!(last.test_acc >= 0.8)) throw new Error(`expected test accuracy >= 0.8 after 10 epochs, got ${last.test_acc}`);
