// Curriculum section "权重衰退 — 从零开始实现" (weight decay from scratch): an L2 penalty added to the loss by hand.
//
// d2l's high-dimensional linear regression: 200 inputs but only 20 training examples, so the model can fit noise.
// Adding λ·‖w‖²/2 to the loss keeps the weights small. The training loop is the one of linear-regression-scratch.ts:
// valueAndGrad of the summed minibatch loss, then d2l's sgd as a pure function. The data and initial weights come
// from rivulet's keys (PyTorch's runs print an L2 norm of about 13 without the penalty and about 0.35 with λ = 3;
// this prints numbers of the same size).
//
//   npx tsx examples/weight-decay-scratch.ts           # 100 epochs, lambd = 0 and 3
//   npx tsx examples/weight-decay-scratch.ts --quick   # the same: it takes a few seconds
import { from, lastValueFrom } from "rxjs";
import {
  key, split, ones, normal, zeros, matmul, sum, norm, valueAndGrad, syntheticData, tensorDataset, loader, livePlot,
  type Loader, type Tensor,
} from "../src/index.js";

// ---- 数据: n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5 --------------------------------------------------
const [nTrain, nTest, numInputs, batchSize] = [20, 100, 200, 5];
const trueW = ones([numInputs, 1]).mul(0.01);
const trueB = 0.05;
const [kTrain, kTest, kInit] = split(key(0), 3);
const trainData = syntheticData(kTrain!, trueW, trueB, nTrain);
const testData = syntheticData(kTest!, trueW, trueB, nTest);
type Batch = readonly [Tensor, Tensor];
const loadArray = ({ features, labels }: { features: Tensor; labels: Tensor }, batchSize: number, isTrain = true): Loader<Batch> =>
  loader(tensorDataset(features, labels), { batchSize, shuffle: isTrain });
const trainIter = loadArray(trainData, batchSize);
const testIter = loadArray(testData, batchSize, false);

// ---- 初始化模型参数, L2范数惩罚 ------------------------------------------------------------------------------------------
type Params = { readonly w: Tensor; readonly b: Tensor };
const initParams = (): Params => ({ w: normal(kInit!, [numInputs, 1]), b: zeros([1]) });
const l2Penalty = (w: Tensor): Tensor => sum(w.pow(2)).div(2);
console.log("l2_penalty(true_w) =", l2Penalty(trueW).item().toFixed(4)); // PyTorch: 0.0100
if (Math.abs(l2Penalty(trueW).item() - 0.01) > 1e-6) throw new Error("l2_penalty differs from PyTorch's 0.01");

// d2l.linreg, d2l.squared_loss, d2l.sgd, d2l.evaluate_loss
const linreg = (X: Tensor, { w, b }: Params): Tensor => matmul(X, w).add(b);
const squaredLoss = (yHat: Tensor, y: Tensor): Tensor => yHat.sub(y.reshape(yHat.shape)).pow(2).div(2);
const sgd = (p: Params, g: Params, lr: number, n: number): Params => ({ w: p.w.sub(g.w.mul(lr / n)), b: p.b.sub(g.b.mul(lr / n)) });
const evaluateLoss = async (p: Params, dataIter: Loader<Batch>): Promise<number> => {
  let [total, count] = [0, 0]; // Accumulator(2): the loss summed over samples, and the samples
  for await (const [X, y] of dataIter.epoch(0)) {
    const l = squaredLoss(linreg(X, p), y);
    [total, count] = [total + sum(l).item(), count + l.size];
  }
  return total / count;
};

// ---- 训练 --------------------------------------------------------------------------------------------------------------
const train = async (lambd: number) => {
  let params = initParams();
  const [numEpochs, lr] = [100, 0.003];
  const rows: { epoch: number; train: number; test: number }[] = [];
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    for await (const [X, y] of trainIter.epoch(epoch)) {
      // The penalty is one number; broadcasting adds it to every example's loss, as in the notes.
      const [, grads] = valueAndGrad((p: Params) => sum(squaredLoss(linreg(X, p), y).add(l2Penalty(p.w).mul(lambd))))(params);
      params = sgd(params, grads, lr, batchSize);
    }
    if ((epoch + 1) % 5 === 0) rows.push({ epoch: epoch + 1, train: await evaluateLoss(params, trainIter), test: await evaluateLoss(params, testIter) });
  }
  // d2l's Animator(xlabel='epochs', ylabel='loss', yscale='log', xlim=[5, num_epochs], legend=['train', 'test'])
  const plot = `runs/weight-decay-scratch/lambd-${lambd}.svg`;
  await lastValueFrom(from(rows).pipe(livePlot(plot, { series: ["train", "test"], xlabel: "epochs", ylabel: "loss", yscale: "log", xlim: [5, numEpochs] })));
  const final = rows.at(-1)!;
  const wNorm = norm(params.w).item();
  console.log(`lambd = ${lambd}: train loss ${final.train.toExponential(3)}, test loss ${final.test.toFixed(4)}; w的L2范数是 (L2 norm of w): ${wNorm.toFixed(4)}  (${plot})`);
  return { ...final, wNorm };
};

// 忽略正则化直接训练 (no penalty): the training loss falls to almost nothing while the test loss stays high — overfitting.
const plain = await train(0);
// 使用权重衰减 (λ = 3): the weights stay small and the test loss comes down.
const decayed = await train(3);
if (!(decayed.wNorm < plain.wNorm / 5 && decayed.test < plain.test)) {
  throw new Error(`expected weight decay to shrink w and lower the test loss; got norms ${plain.wNorm}, ${decayed.wNorm} and test losses ${plain.test}, ${decayed.test}`);
}
