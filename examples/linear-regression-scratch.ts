// Curriculum section "线性回归的从零开始实现" (linear regression from scratch): data, minibatches, model, loss and SGD by hand.
//
// PyTorch's version mutates w and b in place under torch.no_grad() and zeroes their .grad after each step. Here
// the parameters are a value { w, b }: `valueAndGrad` returns the gradients of the summed minibatch loss, and
// d2l's sgd is a pure function returning the next { w, b }. The data and the initial w come from rivulet's keys,
// so the printed losses differ from a PyTorch run in their digits, not in their size (PyTorch gives about
// 0.04, 1e-4, 5e-5 for the three epochs at lr 0.03; inf/nan at lr 3; 9, 5, 2.7 at lr 0.003).
//
//   npx tsx examples/linear-regression-scratch.ts           # the notes' run and the three variants
//   npx tsx examples/linear-regression-scratch.ts --quick   # the same: the full run already takes only seconds
import {
  key, split, foldIn, randperm, tensor, normal, zeros, matmul, sum, indexSelect, valueAndGrad, syntheticData,
  type Key, type Tensor,
} from "../src/index.js";

// ---- 生成数据集: y = Xw + b + noise, w = [2, -3.4], b = 4.2, 1000 examples ---------------------------------------------
const trueW = tensor([2, -3.4]);
const trueB = 4.2;
const [kData, kInit, kShuffle] = split(key(0), 3);
const { features, labels } = syntheticData(kData!, trueW, trueB, 1000);
console.log("features:", features.shape, "labels:", labels.shape);
console.log("features[0]:", String(features.select(0, 0)), " label:", String(labels.select(0, 0)));

// ---- 读取数据集: data_iter yields shuffled minibatches ---------------------------------------------------------------
// random.shuffle(indices) becomes a permutation drawn from a key: the same key gives the same order on every run.
function* dataIter(batchSize: number, features: Tensor, labels: Tensor, k: Key): Generator<[Tensor, Tensor]> {
  const numExamples = features.shape[0]!;
  const indices = randperm(k, numExamples);
  for (let i = 0; i < numExamples; i += batchSize) {
    const batchIndices = indices.slice([i, Math.min(i + batchSize, numExamples)]); // indices[i: i + batch_size]
    yield [indexSelect(features, 0, batchIndices), indexSelect(labels, 0, batchIndices)];
  }
}
const [X0, y0] = dataIter(10, features, labels, kShuffle!).next().value as [Tensor, Tensor];
console.log("first minibatch:", X0.shape, y0.shape);

// ---- 定义模型, 损失函数, 优化算法 -----------------------------------------------------------------------------------
type Params = { readonly w: Tensor; readonly b: Tensor };
const linreg = (X: Tensor, { w, b }: Params): Tensor => matmul(X, w).add(b);
// The 1/2 cancels the 2 from differentiating the square.
const squaredLoss = (yHat: Tensor, y: Tensor): Tensor => yHat.sub(y.reshape(yHat.shape)).pow(2).div(2);
const sq = Array.from(squaredLoss(tensor([[1], [2]]), tensor([1.5, 1])).dataSync());
console.log("squared_loss([[1], [2]], [1.5, 1]) =", sq); // PyTorch: [[0.125], [0.5]]
if (sq[0] !== 0.125 || sq[1] !== 0.5) throw new Error(`squared_loss differs from PyTorch's [[0.125], [0.5]]: ${sq}`);
// d2l's sgd: param -= lr * param.grad / batch_size, as a new value (there is no .grad to zero afterwards).
const sgd = (params: Params, grads: Params, lr: number, batchSize: number): Params => ({
  w: params.w.sub(grads.w.mul(lr / batchSize)),
  b: params.b.sub(grads.b.mul(lr / batchSize)),
});

// ---- 训练 -----------------------------------------------------------------------------------------------------------
const batchSize = 10;
const train = (learningRate: number, numEpochs: number): { params: Params; losses: number[] } => {
  // w ~ N(0, 0.01²) [2, 1], b = 0: the same start for every variant.
  let params: Params = { w: normal(kInit!, [2, 1], { std: 0.01 }), b: zeros([1]) };
  const losses: number[] = [];
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    for (const [X, y] of dataIter(batchSize, features, labels, foldIn(kShuffle!, epoch))) {
      // l has shape (batch_size, 1); its sum is the scalar whose gradient with respect to { w, b } we take.
      const [, grads] = valueAndGrad((p: Params) => sum(squaredLoss(linreg(X, p), y)))(params);
      params = sgd(params, grads, learningRate, batchSize);
    }
    // No torch.no_grad() needed: outside valueAndGrad nothing is recorded.
    const trainL = squaredLoss(linreg(features, params), labels).mean().item();
    losses.push(trainL);
    // Python's f"{loss:f}" spelling, inf and nan included.
    console.log(`epoch ${epoch + 1}, loss ${Number.isFinite(trainL) ? trainL.toFixed(6) : String(trainL).replace("Infinity", "inf").toLowerCase()}`);
  }
  return { params, losses };
};

console.log("\nlearning_rate = 0.03, num_epochs = 3");
const { params, losses } = train(0.03, 3);
const errW = trueW.sub(params.w.reshape(trueW.shape));
const errB = trueB - params.b.item();
console.log("w的估计误差 (error in w):", String(errW));
console.log("b的估计误差 (error in b):", errB.toFixed(6));
if (!(losses[2]! < 1e-3 && errW.abs().max().item() < 0.01 && Math.abs(errB) < 0.01))
  throw new Error(`expected the loss below 1e-3 and errors below 0.01, got loss ${losses[2]}, errors ${errW} ${errB}`);

// 学习率过大 (lr = 3): the steps overshoot further each time and the loss overflows to inf, then nan.
console.log("\nlearning_rate = 3");
const tooLarge = train(3, 3).losses;
if (!tooLarge.every((l) => !Number.isFinite(l) || l > 1e6)) throw new Error(`expected lr = 3 to diverge, got ${tooLarge}`);

// 学习率过小 (lr = 0.003): the loss falls, but slowly — still above 1 after 3 epochs.
console.log("\nlearning_rate = 0.003");
const tooSmall = train(0.003, 3).losses;
if (!(tooSmall[2]! > 1 && tooSmall[2]! < tooSmall[0]!)) throw new Error(`expected a slow decrease at lr = 0.003, got ${tooSmall}`);

// ... and with num_epochs = 10 it gets there eventually.
console.log("\nlearning_rate = 0.003, num_epochs = 10");
const longer = train(0.003, 10).losses;
if (!(longer[9]! < 0.1)) throw new Error(`expected the loss below 0.1 after 10 epochs at lr = 0.003, got ${longer[9]}`);
