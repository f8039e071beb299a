// Curriculum section "模型选择、欠拟合和过拟合" (model selection, underfitting, overfitting): d2l's cubic polynomial.
//
// Labels come from a cubic y = 5 + 1.2x − 3.4x²/2! + 5.6x³/3! + ε (ε ~ N(0, 0.1²)) written as a linear model over the
// features xⁱ/i! for i < 20. Fitting the first 4 features recovers the cubic; the first 2 (a line) underfit; all 20
// can overfit. The data come from rivulet's keys (not NumPy's), so the curves differ in detail from the notes'.
// Each fit's train and test loss are plotted on a log scale, as d2l's Animator does, into runs/polynomial-fitting/.
//
//   npx tsx examples/polynomial-fitting.ts           # 400 epochs per fit
//   npx tsx examples/polynomial-fitting.ts --quick   # 100 epochs per fit
import { concatMap, filter, lastValueFrom, tap, toArray } from "rxjs";
import {
  nn, key, split, normal, randperm, indexSelect, tensor, arange, pow, matmul, mseLoss, sgd, tensorDataset, loader,
  trainState, trainStep, trainSteps, epochs, evaluation, livePlot,
  type LossFn, type Tensor,
} from "../src/index.js";

const quick = process.argv.includes("--quick");
const numEpochsDefault = quick ? 100 : 400;

// ---- 生成数据集 ----------------------------------------------------------------------------------------------------
const maxDegree = 20; // the polynomial's highest degree + 1
const [nTrain, nTest] = [100, 100];
const trueWValues = Array.from({ length: maxDegree }, (_, i) => [5, 1.2, -3.4, 5.6][i] ?? 0); // the rest stay 0
const trueW = tensor(trueWValues);
const [kFeatures, kShuffle, kNoise] = split(key(0), 3);
const features = indexSelect(normal(kFeatures!, [nTrain + nTest, 1]), 0, randperm(kShuffle!, nTrain + nTest)); // np.random.shuffle
// x^i / i!  (gamma(i + 1) = i!): dividing by the factorial keeps large powers from dominating the gradients.
const factorials = Array.from({ length: maxDegree }, (_, i) => (i === 0 ? 1 : Array.from({ length: i }, (_, j) => j + 1).reduce((a, b) => a * b)));
const polyFeatures = pow(features, arange(maxDegree, undefined, 1, { dtype: "float32" }).reshape(1, -1)).div(tensor(factorials).reshape(1, -1));
const labels = matmul(polyFeatures, trueW).add(normal(kNoise!, [nTrain + nTest], { std: 0.1 }));
console.log("features[:2] =", String(features.slice([0, 2])));
console.log("poly_features[:2, :4] =", String(polyFeatures.slice([0, 2], [0, 4])));
console.log("labels[:2] =", String(labels.slice([0, 2])));
// A check against PyTorch: x = 2 gives the features 1, 2, 2, 1.3333, 0.6667, 0.2667.
const at2 = pow(tensor([[2]]), arange(6, undefined, 1, { dtype: "float32" }).reshape(1, -1)).div(tensor(factorials.slice(0, 6)).reshape(1, -1));
if (!at2.dataSync().every((v, i) => Math.abs(v - [1, 2, 2, 1.3333, 0.6667, 0.2667][i]!) < 1e-4)) throw new Error(`poly features of x = 2 differ from PyTorch: ${at2}`);

// ---- 对模型进行训练和测试 -----------------------------------------------------------------------------------------------
type Batch = readonly [Tensor, Tensor];
const train = async (name: string, columns: number, numEpochs = numEpochsDefault) => {
  const trainFeatures = polyFeatures.slice([0, nTrain], [0, columns]);
  const testFeatures = polyFeatures.slice([nTrain, null], [0, columns]);
  const [trainLabels, testLabels] = [labels.slice([0, nTrain]).reshape(-1, 1), labels.slice([nTrain, null]).reshape(-1, 1)];
  // No bias: the constant feature x⁰/0! = 1 already plays its part.
  const net = nn.sequential([nn.linear({ inFeatures: columns, outFeatures: 1, bias: false })]);
  const { params } = net.init(key(1));
  const loss: LossFn<typeof params, Batch> = (p, [X, y]) => mseLoss(net.forward(p, X), y);
  const batchSize = Math.min(10, nTrain);
  const trainIter = loader(tensorDataset(trainFeatures, trainLabels), { batchSize, shuffle: true, seed: 0 });
  const testIter = loader(tensorDataset(testFeatures, testLabels), { batchSize });
  const trainer = sgd({ lr: 0.01 });
  let weight: Tensor | undefined; // net[0].weight at the end, for the print below
  const rows = await lastValueFrom(
    trainIter.epochs(numEpochs).pipe(
      trainSteps(trainStep({ loss, optimizer: trainer }), trainState({ params, optimizer: trainer, seed: 0 })),
      epochs(),
      tap((e) => (weight = nn.stateDict(net, { params: e.state.params, state: {} })["0.weight"])),
      // Evaluate at the first epoch and every 20th, as the notes' loop does (evaluate_loss on both sets).
      filter((e) => e.epoch === 0 || (e.epoch + 1) % 20 === 0),
      concatMap(async (e) => ({ epoch: e.epoch + 1, train: (await evaluation(trainIter, loss, e.state)).loss!, test: (await evaluation(testIter, loss, e.state)).loss! })),
      livePlot(`runs/polynomial-fitting/${name}.svg`, { series: ["train", "test"], ylabel: "loss", yscale: "log", xlim: [1, numEpochs], ylim: [1e-3, 1e2], title: name }),
      toArray(),
    ),
  );
  const final = rows.at(-1)!;
  console.log(`${name}: epoch ${final.epoch}, train loss ${final.train.toFixed(4)}, test loss ${final.test.toFixed(4)}`);
  console.log("weight:", String(weight!));
  return { ...final, weight: weight! };
};

// ---- 三阶多项式函数拟合(正常): the first 4 features 1, x, x²/2!, x³/3! --------------------------------------------------
const normalFit = await train("normal", 4);
console.log("true weights:", String(trueW.slice([0, 4])));
// ---- 线性函数拟合(欠拟合): the first 2 features, 1 and x ------------------------------------------------------------------
const underfit = await train("underfit", 2);
// ---- 高阶多项式函数拟合(过拟合): all 20 features ------------------------------------------------------------------------
const overfit = await train("overfit", maxDegree);
console.log("plots: runs/polynomial-fitting/{normal,underfit,overfit}.svg");

// The cubic fit recovers the weights and reaches the noise level; a line cannot follow a cubic.
const wErr = normalFit.weight.reshape(-1).sub(trueW.slice([0, 4])).abs().max().item();
if (!quick && !(wErr < 0.2 && normalFit.test < 0.05)) throw new Error(`expected the cubic fit within 0.2 of the true weights with test loss < 0.05, got ${wErr}, ${normalFit.test}`);
if (!(underfit.train > 1 && underfit.test > 1)) throw new Error(`expected the linear fit to underfit (losses > 1), got ${underfit.train}, ${underfit.test}`);
if (!(overfit.test > normalFit.test)) throw new Error(`expected the 20-feature fit to test worse than the cubic fit, got ${overfit.test} vs ${normalFit.test}`);
