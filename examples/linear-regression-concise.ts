// Curriculum section "线性回归的简洁实现" (linear regression, concise): TensorDataset + DataLoader, nn.Linear, MSELoss, SGD.
//
// `tensorDataset` and `loader` are d2l's load_array; `nn.sequential([nn.linear(...)])` is nn.Sequential(nn.Linear(2, 1));
// `nn.reinit` sets the initial weight and bias (net[0].weight.data.normal_(0, 0.01), net[0].bias.data.fill_(0)),
// and one optimizer step is `valueAndGrad` + `trainer.update` + `applyUpdates` — PyTorch's zero_grad/backward/step
// without anything to zero. The data and initial weight come from rivulet's keys (PyTorch prints losses of about
// 2e-4, 1e-4, 1e-4 for the three epochs; so does this, in other digits).
//
//   npx tsx examples/linear-regression-concise.ts           # 3 epochs, batch 10, lr 0.03
//   npx tsx examples/linear-regression-concise.ts --quick   # the same: it takes a few seconds
import {
  nn, key, split, tensor, mseLoss, sgd, applyUpdates, valueAndGrad, syntheticData, tensorDataset, loader,
  type Tensor,
} from "../src/index.js";

// ---- 生成数据集 (d2l.synthetic_data(true_w, true_b, 1000)) ------------------------------------------------------
const trueW = tensor([2, -3.4]);
const trueB = 4.2;
const [kData, kInit] = split(key(0));
const { features, labels } = syntheticData(kData!, trueW, trueB, 1000);

// ---- 读取数据集 (load_array: TensorDataset + DataLoader(shuffle=is_train)) -----------------------------------------
const loadArray = (dataArrays: readonly [Tensor, Tensor], batchSize: number, isTrain = true) =>
  loader(tensorDataset(...dataArrays), { batchSize, shuffle: isTrain });
const batchSize = 10;
const dataIter = loadArray([features, labels], batchSize);
// next(iter(data_iter)): the loader is an async iterable of batches, each [X, y] as the dataset's samples were.
for await (const [X, y] of dataIter.epoch(0)) {
  console.log("first batch:", X.shape, y.shape);
  break;
}

// ---- 定义模型, 初始化模型参数 ---------------------------------------------------------------------------------------
const net = nn.sequential([nn.linear({ inFeatures: 2, outFeatures: 1 })]);
let params = nn.reinit(net, net.init(kInit!).params, kInit!, { weight: nn.init.normal({ std: 0.01 }), bias: nn.init.zeros() });
console.log(String(net));
console.log("net[0].bias =", String(nn.stateDict(net, { params, state: {} })["0.bias"]!)); // tensor([0.])

// ---- 损失函数 (nn.MSELoss: the mean of the squared errors, without d2l's 1/2) and 优化算法 -------------------------------
type Params = typeof params;
const loss = (p: Params, X: Tensor, y: Tensor): Tensor => mseLoss(net.forward(p, X), y);
const trainer = sgd({ lr: 0.03 });
let trainerState = trainer.init(params);

// ---- 训练 -----------------------------------------------------------------------------------------------------------
const numEpochs = 3;
let l = Infinity;
for (let epoch = 0; epoch < numEpochs; epoch++) {
  for await (const [X, y] of dataIter.epoch(epoch)) {
    const [, grads] = valueAndGrad(loss)(params, X, y); // l.backward(), into a fresh value: no zero_grad()
    const { updates, state } = trainer.update(grads, trainerState, params); // trainer.step() ...
    [params, trainerState] = [applyUpdates(params, updates), state]; // ... as new values
  }
  l = loss(params, features, labels).item();
  console.log(`epoch ${epoch + 1}, loss ${l.toFixed(6)}`);
}

const sd = nn.stateDict(net, { params, state: {} });
const w = sd["0.weight"]!;
const b = sd["0.bias"]!;
console.log("w的估计误差 (error in w):", String(trueW.sub(w.reshape(trueW.shape))));
console.log("b的估计误差 (error in b):", String(tensor([trueB]).sub(b)));
if (!(l < 1e-3 && trueW.sub(w.reshape(trueW.shape)).abs().max().item() < 0.01 && Math.abs(trueB - b.item()) < 0.01))
  throw new Error(`expected the loss below 1e-3 and w, b within 0.01 of [2, -3.4], 4.2; got loss ${l}, w ${w}, b ${b}`);
