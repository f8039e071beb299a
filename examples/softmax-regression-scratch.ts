// Curriculum section "softmax回归的从零开始实现" (softmax regression from scratch): W, b, softmax, cross-entropy, accuracy, by hand.
//
// d2l's helpers become streams: `accumulate()` is its Accumulator (running sample-weighted sums), evaluate_accuracy
// is a pipeline over the test loader ending in that Accumulator, train_epoch_ch3 is a `scan` over one epoch's
// batches carrying the parameters, and train_ch3 is a `mergeScan` over the epochs handing the parameters on.
// The updater is d2l's sgd written out: param -= lr * grad / batch_size, over gradients from `valueAndGrad`.
// Randomness (W's initial values, the shuffles) comes from rivulet's keys, not PyTorch's generator.
//
//   npx tsx examples/softmax-regression-scratch.ts           # batch 256, lr 0.1, 10 epochs
//   npx tsx examples/softmax-regression-scratch.ts --quick   # a few hundred samples, 2 epochs
import { concatMap, last, lastValueFrom, map, mergeScan, range, scan, tap, type Observable } from "rxjs";
import {
  key, normal, zeros, tensor, exp, log, matmul, sum, takeAlongDim, argmax, eq, cast, valueAndGrad, treeMap,
  fashionMnist, transforms, loader, accumulate, accumulatorAdd, accumulatorMeans, emptyAccumulator, livePlot,
  type Accumulator, type Dataset, type Loader, type Tensor,
} from "../src/index.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const started = Date.now();
const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol;

// ---- 读取数据 (d2l.load_data_fashion_mnist(256)) ---------------------------------------------------------------
const root = process.env.RIVULET_DATA ?? "data";
const trans = transforms.toTensor();
const mnistTrain = await fashionMnist({ root, train: true, transform: trans, download: true });
const mnistTest = await fashionMnist({ root, train: false, transform: trans, download: true });
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const batchSize = 256;
const trainIter = loader(quick ? firstN(mnistTrain, 512) : mnistTrain, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(quick ? firstN(mnistTest, 256) : mnistTest, { batchSize });

// ---- 初始化模型参数 (W ~ N(0, 0.01²) [784, 10], b = 0) ------------------------------------------------------
// No requires_grad: the parameters are a plain record, and valueAndGrad differentiates with respect to it.
const numInputs = 784;
const numOutputs = 10;
const params0 = { W: normal(key(0), [numInputs, numOutputs], { std: 0.01 }), b: zeros([numOutputs]) };
type Params = typeof params0;

// ---- 定义softmax操作 (exp, row sums, divide by broadcasting) ------------------------------------------------
const softmax = (X: Tensor): Tensor => {
  const XExp = exp(X);
  const partition = XExp.sum(1, { keepdim: true });
  return XExp.div(partition); // broadcasting: [N, 10] / [N, 1]
};
// Each row becomes a distribution (numbers from PyTorch 1.13 for the same input).
const probs = softmax(tensor([[1, 2, 3], [0, 0, 0]]));
console.log("softmax:", String(probs), " row sums", sum(probs, 1).tolist());
const torchProbs = [[0.09, 0.2447, 0.6652], [0.3333, 0.3333, 0.3333]];
if (!probs.dataSync().every((v, i) => close(v as number, torchProbs.flat()[i]!))) throw new Error(`softmax differs from PyTorch: ${String(probs)}`);

// ---- 定义模型 -------------------------------------------------------------------------------------------------
const net = (p: Params, X: Tensor): Tensor => softmax(matmul(X.reshape(-1, p.W.shape[0]!), p.W).add(p.b));

// ---- 定义损失函数 (-log of the probability given to the true class) ----------------------------------------------
// y_hat[range(len(y_hat)), y] picks one entry per row: takeAlongDim with the labels as a column.
const crossEntropy = (yHat: Tensor, y: Tensor): Tensor => log(takeAlongDim(yHat, y.reshape(-1, 1), 1)).neg().reshape(-1);
const yHat = tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]);
const y = tensor([0, 2], { dtype: "int32" });
console.log("y_hat[[0, 1], y] =", String(takeAlongDim(yHat, y.reshape(-1, 1), 1).reshape(-1)));
console.log("cross_entropy(y_hat, y) =", String(crossEntropy(yHat, y))); // PyTorch: tensor([2.3026, 0.6931])
if (!Array.from(crossEntropy(yHat, y).dataSync()).every((v, i) => close(v, [2.3026, 0.6931][i]!))) throw new Error("cross_entropy differs from PyTorch");

// ---- 分类精度 (the number of correct predictions) -----------------------------------------------------------------
const accuracy = (yHat: Tensor, y: Tensor): number => sum(cast(eq(argmax(yHat, 1), cast(y, "int32")), "float32")).item();
console.log("accuracy(y_hat, y) / len(y) =", accuracy(yHat, y) / y.shape[0]!); // PyTorch: 0.5
if (accuracy(yHat, y) / 2 !== 0.5) throw new Error("accuracy differs from PyTorch");

// evaluate_accuracy(net, data_iter): the test batches, each turned into (correct, count), summed by the Accumulator.
const evaluateAccuracy = (p: Params, dataIter: Loader<{ input: Tensor; target: Tensor }>): Observable<number> =>
  dataIter.epoch(0).pipe(
    map(({ input, target }) => ({ metrics: { accuracy: accuracy(net(p, input), target) / target.shape[0]! }, samples: target.shape[0]! })),
    accumulate(), // Accumulator(2): weighted by the batch size, so the mean is correct / total
    last(),
    map((m) => m.metrics.accuracy!),
  );
console.log("accuracy of the random initial model:", (await lastValueFrom(evaluateAccuracy(params0, testIter))).toFixed(4), "(about 0.1)");

// ---- 优化算法: d2l.sgd([W, b], lr, batch_size) ---------------------------------------------------------------------
const lr = 0.1;
const updater = (p: Params, grads: Params, n: number): Params => treeMap((w: Tensor, g: Tensor) => w.sub(g.mul(lr / n)), p, grads) as Params;

// ---- 训练 (train_epoch_ch3: one epoch's batches scanned into new params and an Accumulator(3)) -----------------------
interface EpochState { readonly params: Params; readonly metric: Accumulator }
const trainEpochCh3 = (params: Params, epoch: number): Observable<EpochState> =>
  trainIter.epoch(epoch).pipe(
    scan(({ params: p, metric }: EpochState, { input, target }) => {
      // l.sum().backward(): the gradient of the summed loss; the updater divides by the batch size.
      const [[l, yHat], grads] = valueAndGrad((q: Params) => {
        const out = net(q, input);
        return [sum(crossEntropy(out, target)), out] as const;
      }, { hasAux: true })(p);
      const n = target.shape[0]!;
      return { params: updater(p, grads, n), metric: accumulatorAdd(metric, { loss: l.item() / n, accuracy: accuracy(yHat, target) / n }, n) };
    }, { params, metric: emptyAccumulator }),
    last(),
  );

interface EpochRow { readonly epoch: number; readonly params: Params; readonly loss: number; readonly accuracy: number; readonly test_acc: number }
// train_ch3: each epoch starts from the previous epoch's params; after it, the test accuracy.
const numEpochs = quick ? 2 : 10;
const runDir = exampleDir("softmax-regression-scratch"); // runs/softmax-regression-scratch; with --quick a temporary folder removed at exit
const result = await lastValueFrom(
  range(1, numEpochs).pipe(
    mergeScan(
      (prev, epoch) =>
        trainEpochCh3(prev.params, epoch - 1).pipe(
          concatMap(({ params, metric }) =>
            evaluateAccuracy(params, testIter).pipe(map((test_acc): EpochRow => {
              const { loss, accuracy } = accumulatorMeans(metric);
              return { epoch, params, loss: loss!, accuracy: accuracy!, test_acc };
            })),
          ),
        ),
      { epoch: 0, params: params0, loss: NaN, accuracy: NaN, test_acc: NaN } as EpochRow,
      1, // one epoch at a time
    ),
    tap((r) => console.log(`epoch ${r.epoch}: train loss ${r.loss.toFixed(3)}, train acc ${r.accuracy.toFixed(3)}, test acc ${r.test_acc.toFixed(3)}`)),
    map((r) => ({ epoch: r.epoch, train_loss: r.loss, train_acc: r.accuracy, test_acc: r.test_acc })),
    // d2l's Animator(xlabel='epoch', xlim=[1, num_epochs], ylim=[0.3, 0.9], legend=[...]), as a live SVG file.
    livePlot(`${runDir}/curves.svg`, { series: { train_loss: "train loss", train_acc: "train acc", test_acc: "test acc" }, xlim: [1, numEpochs], ylim: [0.3, 0.9] }),
  ),
);

const seconds = (Date.now() - started) / 1000;
console.log(`test acc ${result.test_acc.toFixed(4)} after ${numEpochs} epochs, ${seconds.toFixed(1)} s; curves in ${runDir}/curves.svg`);
const target = quick ? 0.4 : 0.82;
if (!(result.test_acc >= target)) throw new Error(`expected test accuracy >= ${target}, got ${result.test_acc}`);
