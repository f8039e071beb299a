// Curriculum section "BatchNorm" (批量规范化): d2l's batch_norm from scratch, checked against PyTorch, then LeNet with BatchNorm trained on Fashion-MNIST.
//
// Batch normalisation standardises each channel over the batch (and, for images, over height and width), then
// scales by a learned gamma and shifts by a learned beta; at test time it uses running averages of the statistics
// instead. The notes train d2l's LeNet with nn.BatchNorm2d / nn.BatchNorm1d before every sigmoid, with lr 1.0.
//
//   npx tsx examples/batch-norm.ts           # the notes' settings: 10 epochs, batch 256, lr 1.0 (about 18 min of CPU time)
//   npx tsx examples/batch-norm.ts --quick   # 2 epochs over 512 training and 256 test images
//
// The batch_norm numbers are PyTorch's to float32 precision (checked below). Training uses rivulet's keys for
// initialisation and shuffling, so accuracies are close to PyTorch's but not digit for digit the same.
import { lastValueFrom, tap } from "rxjs";
import {
  nn, key, rand, tensor, mean, sqrt, crossEntropy, accuracy, sgd, batchNorm, fashionMnist, transforms, loader,
  trainState, trainStep, trainSteps, epochs, evaluate,
  type Dataset, type Sample, type Tensor, type LossFn, type NestedArray,
} from "../src/index.js";

const quick = process.argv.includes("--quick");

// Compares a tensor with PyTorch's printed values; a wrong number stops the example.
const expectClose = (what: string, actual: Tensor, expected: NestedArray, tol = 1e-5): void => {
  const a = actual.dataSync();
  const e = tensor(expected).dataSync();
  if (a.length !== e.length || a.some((v, i) => !(Math.abs(v - e[i]!) <= tol * (1 + Math.abs(e[i]!)))))
    throw new Error(`${what}: got ${String(actual)}, PyTorch gives ${String(tensor(expected))}`);
};

// ---- 从零实现 (batch_norm from scratch) -----------------------------------------------------------------------------
// d2l decides between training and prediction with torch.is_grad_enabled(); rivulet has no global grad mode, so the
// mode is an argument. Nothing is updated in place: the new moving statistics are returned with the output.
const batchNormScratch = (
  X: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVar: Tensor,
  { eps, momentum, training }: { eps: number; momentum: number; training: boolean },
): [Y: Tensor, movingMean: Tensor, movingVar: Tensor] => {
  if (!training) return [X.sub(movingMean).div(sqrt(movingVar.add(eps))).mul(gamma).add(beta), movingMean, movingVar];
  if (X.ndim !== 2 && X.ndim !== 4) throw new Error(`batchNormScratch: X must be 2-D or 4-D, got shape [${X.shape.join(", ")}]`);
  // Fully connected: statistics per feature (over the batch). Convolutional: per channel (over batch, height, width).
  const axes = X.ndim === 2 ? [0] : [0, 2, 3];
  const mu = mean(X, axes, { keepdim: X.ndim === 4 });
  const variance = mean(X.sub(mu).square(), axes, { keepdim: X.ndim === 4 });
  const XHat = X.sub(mu).div(sqrt(variance.add(eps)));
  return [
    XHat.mul(gamma).add(beta),
    movingMean.mul(momentum).add(mu.mul(1 - momentum)),
    movingVar.mul(momentum).add(variance.mul(1 - momentum)),
  ];
};

// A small convolutional batch: 2 images, 2 channels, 2×2 pixels, values (0..15)² / 10.
const X4 = tensor(Array.from({ length: 16 }, (_, i) => (i * i) / 10)).reshape([2, 2, 2, 2]);
const gamma4 = tensor([1, 2]).reshape([1, 2, 1, 1]);
const beta4 = tensor([0, 0.5]).reshape([1, 2, 1, 1]);
const [Y4, movingMean4, movingVar4] = batchNormScratch(X4, gamma4, beta4, tensor([0, 0]).reshape([1, 2, 1, 1]), tensor([1, 1]).reshape([1, 2, 1, 1]), {
  eps: 1e-5, momentum: 0.9, training: true,
});
console.log("Y =", String(Y4));
console.log("moving_mean =", String(movingMean4.reshape([-1])), " moving_var =", String(movingVar4.reshape([-1])));
// The numbers PyTorch 1.13 gives for d2l's function on the same input:
const PYTORCH_Y4: NestedArray = [
  [[[-1.0200908, -0.9986152], [-0.9341884, -0.8268104]], [[-1.8040748, -1.5774446], [-1.300452, -0.9730971]]],
  [[[0.3543473, 0.7194325], [1.1274687, 1.5784563]], [[1.4191117, 2.0486403], [2.7285316, 3.4587848]]],
];
expectClose("batch_norm Y (4-D)", Y4, PYTORCH_Y4);
expectClose("moving_mean (4-D)", movingMean4.reshape([-1]), [0.475, 1.075]);
expectClose("moving_var (4-D)", movingVar4.reshape([-1]), [3.06825, 7.20825]);

// Prediction mode normalises with the moving statistics instead of the batch's.
const [Ye] = batchNormScratch(X4, gamma4, beta4, movingMean4, movingVar4, { eps: 1e-5, momentum: 0.9, training: false });
expectClose("batch_norm in prediction mode", Ye, [
  [[[-0.27117366, -0.21408448], [-0.04281689, 0.24262907]], [[0.8910876, 1.5615234], [2.3809452, 3.3493526]]],
  [[[3.382535, 4.3530512], [5.4377456, 6.6366186]], [[10.426176, 12.288498], [14.299806, 16.460098]]],
]);

// A fully connected batch: 4 samples, 3 features.
const X2 = tensor([[1, 2, -1], [3, 0, 1], [2, 4, 0], [6, -2, 2]]);
const [Y2, movingMean2, movingVar2] = batchNormScratch(X2, tensor([1, 1, 1]), tensor([0, 0, 0]), tensor([0, 0, 0]), tensor([1, 1, 1]), {
  eps: 1e-5, momentum: 0.9, training: true,
});
console.log("Y (fully connected) =", String(Y2));
expectClose("batch_norm Y (2-D)", Y2, [
  [-1.0690434, 0.44721317, -1.3416355], [0, -0.44721317, 0.44721183], [-0.5345217, 1.3416395, -0.44721183], [1.6035652, -1.3416395, 1.3416355],
]);
expectClose("moving_mean (2-D)", movingMean2, [0.3, 0.1, 0.05]);
expectClose("moving_var (2-D)", movingVar2, [1.25, 1.4, 1.025]);

// PyTorch's own F.batch_norm (rivulet's batchNorm) gives the same Y. Its momentum is the weight of the *new* value
// (0.1 here is d2l's 0.9), and the running variance it tracks is the unbiased one (× n/(n−1), n = 8 values per channel).
const torchStyle = batchNorm(X4, {
  runningMean: tensor([0, 0]), runningVar: tensor([1, 1]), weight: tensor([1, 2]), bias: tensor([0, 0.5]), training: true, momentum: 0.1, eps: 1e-5,
});
expectClose("F.batch_norm Y", torchStyle.output, PYTORCH_Y4);
console.log("F.batch_norm running_var =", String(torchStyle.runningVar!), "(unbiased; d2l's from-scratch version tracks the biased one)");
expectClose("F.batch_norm running_var", torchStyle.runningVar!, [3.378, 8.109428]);

// ---- 简洁实现: LeNet with BatchNorm (the notes' network) -----------------------------------------------------------
// Conv2d(1, 6, 5), BatchNorm2d(6), Sigmoid, AvgPool2d(2, 2), Conv2d(6, 16, 5), BatchNorm2d(16), Sigmoid, AvgPool2d(2, 2),
// Flatten, Linear(256, 120), BatchNorm1d(120), Sigmoid, Linear(120, 84), BatchNorm1d(84), Sigmoid, Linear(84, 10).
const net = nn.zoo.lenetBatchNorm();
const variables = net.init(key(0));
console.log(String(net));

// Per-layer output shapes for a batch of two (BatchNorm needs more than one value per channel in training mode).
// BatchNorm layers have buffers (running_mean, running_var, num_batches_tracked) besides their params.
let X: Tensor = rand(key(1), [2, 1, 28, 28]);
const listing: [string, number[]][] = [];
for (let i = 0; i < net.length; i++) {
  const layer = net.at(i);
  const layerVars = { params: (variables.params[String(i)] ?? {}) as nn.Params, state: (variables.state[String(i)] ?? {}) as nn.State };
  X = layer.apply(layerVars, X, { training: true }).output;
  listing.push([layer.kind, [...X.shape]]);
  console.log(`${layer.kind} output shape:\t [${X.shape.join(", ")}]`);
}
const PYTORCH_LISTING: [string, number[]][] = [
  ["Conv2d", [2, 6, 24, 24]], ["BatchNorm2d", [2, 6, 24, 24]], ["Sigmoid", [2, 6, 24, 24]], ["AvgPool2d", [2, 6, 12, 12]],
  ["Conv2d", [2, 16, 8, 8]], ["BatchNorm2d", [2, 16, 8, 8]], ["Sigmoid", [2, 16, 8, 8]], ["AvgPool2d", [2, 16, 4, 4]],
  ["Flatten", [2, 256]], ["Linear", [2, 120]], ["BatchNorm1d", [2, 120]], ["Sigmoid", [2, 120]],
  ["Linear", [2, 84]], ["BatchNorm1d", [2, 84]], ["Sigmoid", [2, 84]], ["Linear", [2, 10]],
];
if (JSON.stringify(listing) !== JSON.stringify(PYTORCH_LISTING))
  throw new Error(`LeNet-BN's per-layer shapes differ from PyTorch's:\n${JSON.stringify(listing)}\nexpected\n${JSON.stringify(PYTORCH_LISTING)}`);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count}`);
if (count !== 44878) throw new Error(`LeNet-BN has ${count} parameters, PyTorch's has 44878`);

// ---- 训练 (d2l.train_ch6 with lr 1.0, batch 256, 10 epochs) -----------------------------------------------------------
const root = process.env.RIVULET_DATA ?? "data";
const fullTrain = await fashionMnist({ root, train: true, transform: transforms.toTensor() });
const fullTest = await fashionMnist({ root, train: false, transform: transforms.toTensor() });
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = quick ? firstN(fullTrain, 512) : fullTrain;
const testSet = quick ? firstN(fullTest, 256) : fullTest;
const [lr, numEpochs, batchSize] = [1.0, quick ? 2 : 10, 256];
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });

// train_ch6 re-initialises every Linear and Conv2d weight with Xavier's uniform init.
const params = nn.reinit(net, variables.params, key(2), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
type Batch = Sample<Tensor, Tensor>;

// net.train() / net.eval() is ctx.training; the running statistics are model state carried from step to step
// (trainStep keeps the modelState the loss returns, evaluation uses it without changing it).
const loss: LossFn<nn.Params, Batch> = (p, { input, target }, ctx) => {
  const { output, state } = net.apply({ params: p, state: ctx.modelState as nn.State }, input, { training: ctx.training });
  return [crossEntropy(output, target), { metrics: { accuracy: accuracy(output, target) }, modelState: state }];
};
const optimizer = sgd({ lr });
// The notes call train_ch6 twice in a row (a copy-paste: the second call re-initialises the conv and linear weights
// and trains another 10 epochs); we run it once.
console.log("training on cpu");
const started = performance.now();
const last = await lastValueFrom(
  trainIter.epochs(numEpochs).pipe(
    trainSteps(trainStep({ loss, optimizer }), trainState({ params, optimizer, seed: 0, modelState: variables.state })),
    epochs(),
    evaluate(testIter, { loss }),
    tap((e) => console.log(`epoch ${e.epoch + 1}: loss ${e.train.loss!.toFixed(3)}, train acc ${e.train.accuracy!.toFixed(3)}, test acc ${e.test.accuracy!.toFixed(3)}`)),
  ),
);
const seconds = (performance.now() - started) / 1000;
console.log(`loss ${last.train.loss!.toFixed(3)}, train acc ${last.train.accuracy!.toFixed(3)}, test acc ${last.test.accuracy!.toFixed(3)}`);
console.log(`${((last.samples * numEpochs) / seconds).toFixed(1)} examples/sec on cpu (evaluation included)`);

// net[1].gamma / net[1].beta in d2l's from-scratch layer are weight / bias of nn.BatchNorm2d: the learned scale and shift.
const bn1 = last.state.params["1"] as nn.Params;
console.log("gamma:", String((bn1.weight as Tensor).reshape([-1])));
console.log("beta: ", String((bn1.bias as Tensor).reshape([-1])));

if (!Number.isFinite(last.train.loss!)) throw new Error(`LeNet-BN's train loss is ${last.train.loss}`);
// With BatchNorm the sigmoid LeNet learns within a few steps (plain LeNet needs hundreds). In the quick run the running
// statistics have seen only four batches (momentum 0.1), so the test accuracy is not yet meaningful: check training.
if (quick && !(last.train.accuracy! > 0.2)) throw new Error(`LeNet-BN: train accuracy ${last.train.accuracy} after the quick run is at chance level`);
if (!quick && !(last.test.accuracy! > 0.8)) throw new Error(`LeNet-BN: test accuracy ${last.test.accuracy} after 10 epochs is too low`);

