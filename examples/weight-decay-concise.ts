// Curriculum section "权重衰退 — 简洁实现" (weight decay, concise): SGD's weight_decay on the weight only, via parameter groups.
//
// torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd}, {"params": net[0].bias}], lr=lr) is
// `paramGroups([{ select: "*.weight", optimizer: sgd({ lr, weightDecay: wd }) }, { select: "*.bias", optimizer: sgd({ lr }) }])`:
// groups pick parameters by their state_dict names. The first block checks one such step against PyTorch's numbers;
// the training runs use rivulet's keys for data and initial weights (PyTorch's runs end with ‖w‖ ≈ 13 for wd = 0 and
// ≈ 0.4 for wd = 3; this prints numbers of the same size).
//
//   npx tsx examples/weight-decay-concise.ts           # 100 epochs, wd = 0 and 3
//   npx tsx examples/weight-decay-concise.ts --quick   # the same: it takes a few seconds
import { filter, lastValueFrom, concatMap, toArray, tap } from "rxjs";
import {
  nn, key, split, tensor, ones, norm, mseLoss, sgd, paramGroups, applyUpdates, valueAndGrad, syntheticData, tensorDataset, loader,
  trainState, trainStep, trainSteps, epochs, evaluation, livePlot,
  type LossFn, type Tensor,
} from "../src/index.js";

const close = (a: number, b: number) => Math.abs(a - b) < 1e-5;

// ---- One step of SGD with weight decay on the weight only, against PyTorch 1.13 ----------------------------------------
{
  const lin = nn.sequential([nn.linear({ inFeatures: 3, outFeatures: 1 })]);
  const params = { 0: { weight: tensor([[0.5, -1, 2]]), bias: tensor([0.3]) } };
  const trainer = paramGroups([
    { select: "*.weight", optimizer: sgd({ lr: 0.003, weightDecay: 3 }) },
    { select: "*.bias", optimizer: sgd({ lr: 0.003 }) }, // 偏置参数没有衰减 (no decay on the bias)
  ]);
  const X = tensor([[1, 2, 3], [-1, 0.5, 2]]);
  const y = tensor([[1], [0]]);
  const [l, grads] = valueAndGrad((p: typeof params) => mseLoss(lin.forward(p, X), y))(params);
  const { updates } = trainer.update(grads, trainer.init(params), params);
  const next = applyUpdates(params, updates);
  console.log("one step: loss", l.item().toFixed(4), "weight", String(next[0].weight), "bias", String(next[0].bias));
  // PyTorch: loss 12.6650, weight [[0.4940, -1.01875, 1.9280]], bias [0.2787]
  const w = Array.from(next[0].weight.dataSync());
  if (!(close(l.item(), 12.665001) && close(w[0]!, 0.494) && close(w[1]!, -1.01875) && close(w[2]!, 1.928) && close(next[0].bias.item(), 0.2787)))
    throw new Error(`the weight-decay step differs from PyTorch's: loss ${l.item()}, weight ${next[0].weight}, bias ${next[0].bias}`);
}

// ---- 数据: n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5 --------------------------------------------------
const [nTrain, nTest, numInputs, batchSize] = [20, 100, 200, 5];
const trueW = ones([numInputs, 1]).mul(0.01);
const [kTrain, kTest, kInit] = split(key(0), 3);
const trainData = syntheticData(kTrain!, trueW, 0.05, nTrain);
const testData = syntheticData(kTest!, trueW, 0.05, nTest);
const trainIter = loader(tensorDataset(trainData.features, trainData.labels), { batchSize, shuffle: true });
const testIter = loader(tensorDataset(testData.features, testData.labels), { batchSize });

// ---- train_concise(wd) ---------------------------------------------------------------------------------------------------
const trainConcise = async (wd: number) => {
  const net = nn.sequential([nn.linear({ inFeatures: numInputs, outFeatures: 1 })]);
  // for param in net.parameters(): param.data.normal_()  — every parameter, bias included, from N(0, 1)
  const params = nn.reinit(net, net.init(kInit!).params, kInit!, { weight: nn.init.normal(), bias: nn.init.normal() });
  const loss: LossFn<typeof params, readonly [Tensor, Tensor]> = (p, [X, y]) => mseLoss(net.forward(p, X), y);
  const [numEpochs, lr] = [100, 0.003];
  const trainer = paramGroups([
    { select: "*.weight", optimizer: sgd({ lr, weightDecay: wd }) },
    { select: "*.bias", optimizer: sgd({ lr }) },
  ]);
  let weight: Tensor | undefined;
  const plot = `runs/weight-decay-concise/wd-${wd}.svg`;
  const rows = await lastValueFrom(
    trainIter.epochs(numEpochs).pipe(
      trainSteps(trainStep({ loss, optimizer: trainer }), trainState({ params, optimizer: trainer })),
      epochs(),
      filter((e) => (e.epoch + 1) % 5 === 0),
      tap((e) => (weight = nn.stateDict(net, { params: e.state.params, state: {} })["0.weight"])),
      // d2l.evaluate_loss on both sets (nn.MSELoss: the mean squared error, without the 1/2 of squared_loss)
      concatMap(async (e) => ({ epoch: e.epoch + 1, train: (await evaluation(trainIter, loss, e.state)).loss!, test: (await evaluation(testIter, loss, e.state)).loss! })),
      livePlot(plot, { series: ["train", "test"], xlabel: "epochs", ylabel: "loss", yscale: "log", xlim: [5, numEpochs] }),
      toArray(),
    ),
  );
  const final = rows.at(-1)!;
  const wNorm = norm(weight!).item();
  console.log(`wd = ${wd}: train loss ${final.train.toExponential(3)}, test loss ${final.test.toFixed(4)}; w的L2范数 (L2 norm of w): ${wNorm.toFixed(4)}  (${plot})`);
  return { ...final, wNorm };
};

// 忽略正则化直接训练, then 使用权重衰减
const plain = await trainConcise(0);
const decayed = await trainConcise(3);
if (!(decayed.wNorm < plain.wNorm / 5 && decayed.test < plain.test)) {
  throw new Error(`expected weight decay to shrink w and lower the test loss; got norms ${plain.wNorm}, ${decayed.wNorm} and test losses ${plain.test}, ${decayed.test}`);
}
