// Curriculum section "LeNet网络" (LeNet): the network, its per-layer output shapes, and d2l's train_ch6 on Fashion-MNIST as one stream.
//
// The notes build LeNet-5 the way d2l does — sigmoid activations and average pooling, a Reshape in front — print
// what each layer makes of a 1×1×28×28 input, then train it with batch size 256, SGD lr 0.9, 10 epochs and Xavier
// initialisation, plotting train loss, train accuracy and test accuracy (d2l's Animator) and reporting examples/sec.
//
//   npx tsx examples/lenet.ts           # the notes' settings: 10 epochs over all 60000 images (about 17 min of CPU time)
//   npx tsx examples/lenet.ts --quick   # 2 epochs over 1024 training and 512 test images
//
// The random parts (initialisation, shuffling) use rivulet's keys, so the accuracies are close to PyTorch's but not
// digit for digit the same; the shapes and parameter counts are exactly PyTorch's and are checked below.
import { connect, lastValueFrom, merge, filter, map, scan, tap, type Observable } from "rxjs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  nn, key, rand, crossEntropy, accuracy, sgd, fashionMnist, transforms, loader, trainState, trainStep, trainSteps,
  epochs, evaluate, livePlot, accumulatorAdd, accumulatorMeans, emptyAccumulator,
  type Dataset, type Sample, type Tensor, type LossFn, type StepResult,
} from "../src/index.js";

const quick = process.argv.includes("--quick");

// ---- 网络架构 (the network) -------------------------------------------------------------------------------
// nn.Sequential(Reshape(), Conv2d(1, 6, 5, padding=2), Sigmoid(), AvgPool2d(2, 2), Conv2d(6, 16, 5), Sigmoid(),
// AvgPool2d(2, 2), Flatten(), Linear(400, 120), Sigmoid(), Linear(120, 84), Sigmoid(), Linear(84, 10)) is the zoo's lenet.
const net = nn.zoo.lenet();
console.log(String(net));

// d2l's check: push X = torch.rand(1, 1, 28, 28) through the layers one at a time and print each output's shape.
// A Sequential's children are named "0", "1", …; layers without parameters have no entry in the params tree.
const variables = net.init(key(0));
let X: Tensor = rand(key(1), [1, 1, 28, 28]);
const listing: [string, number[]][] = [];
for (let i = 0; i < net.length; i++) {
  const layer = net.at(i);
  X = layer.forward((variables.params[String(i)] ?? {}) as nn.Params, X);
  listing.push([layer.kind, [...X.shape]]);
  console.log(`${layer.kind} output shape:\t [${X.shape.join(", ")}]`);
}

// What PyTorch 1.13 prints for the same loop (torch.Size([...]) lists), and the model's parameter count.
const PYTORCH_LISTING: [string, number[]][] = [
  ["Reshape", [1, 1, 28, 28]], ["Conv2d", [1, 6, 28, 28]], ["Sigmoid", [1, 6, 28, 28]], ["AvgPool2d", [1, 6, 14, 14]],
  ["Conv2d", [1, 16, 10, 10]], ["Sigmoid", [1, 16, 10, 10]], ["AvgPool2d", [1, 16, 5, 5]], ["Flatten", [1, 400]],
  ["Linear", [1, 120]], ["Sigmoid", [1, 120]], ["Linear", [1, 84]], ["Sigmoid", [1, 84]], ["Linear", [1, 10]],
];
if (JSON.stringify(listing) !== JSON.stringify(PYTORCH_LISTING))
  throw new Error(`LeNet's per-layer shapes differ from PyTorch's:\n${JSON.stringify(listing)}\nexpected\n${JSON.stringify(PYTORCH_LISTING)}`);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count}`);
if (count !== 61706) throw new Error(`LeNet has ${count} parameters, PyTorch's has 61706`);

// ---- LeNet在Fashion-MNIST数据集上的表现 (the data) ----------------------------------------------------------------
// d2l.load_data_fashion_mnist(batch_size=256): ToTensor images, a shuffled training loader and a test loader.
// The files are looked for under $RIVULET_DATA (or ./data) in torchvision's layout, then in Debian's
// /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
const root = process.env.RIVULET_DATA ?? "data";
const batchSize = 256;
const fullTrain = await fashionMnist({ root, train: true, transform: transforms.toTensor() });
const fullTest = await fashionMnist({ root, train: false, transform: transforms.toTensor() });
// A dataset is just { length, get }: the first n samples are torch.utils.data.Subset(ds, range(n)).
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = quick ? firstN(fullTrain, 512) : fullTrain;
const testSet = quick ? firstN(fullTest, 256) : fullTest;
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });
console.log(`training on ${trainSet.length} images, testing on ${testSet.length}, ${trainIter.length} batches per epoch`);

// ---- train_ch6 ---------------------------------------------------------------------------------------------------
// init_weights: nn.init.xavier_uniform_ on every Linear and Conv2d weight (biases keep PyTorch's default init).
// net.apply(init_weights) mutates the model in place; here it is a function from params to new params.
const params = nn.reinit(net, variables.params, key(2), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
type Params = typeof params;
type Batch = Sample<Tensor, Tensor>;

// loss = nn.CrossEntropyLoss(); d2l.accuracy rides along as a metric. There is no zero_grad/backward/step:
// trainStep takes the gradient of this function and applies the optimizer, returning a new state.
const loss: LossFn<Params, Batch> = (p, { input, target }) => {
  const yHat = net.forward(p, input);
  return [crossEntropy(yHat, target), { metrics: { accuracy: accuracy(yHat, target) } }];
};
const [lr, numEpochs] = [0.9, quick ? 2 : 10];
const optimizer = sgd({ lr });
const step = trainStep({ loss, optimizer });

// d2l's Animator adds the running train loss and accuracy five times per epoch (every num_batches // 5 batches and at
// the last), and the test accuracy at each epoch's end. Rows are { epoch (fractional), train_loss?, train_acc?, test_acc? }.
type Row = { readonly epoch: number; readonly train_loss?: number; readonly train_acc?: number; readonly test_acc?: number };
// An epoch's row also carries its means, for the final print.
type EpochRow = Row & { readonly train: Record<string, number>; readonly test: Record<string, number>; readonly samples: number };
const numBatches = trainIter.length;
const every = Math.max(1, Math.floor(numBatches / 5));
const animatorPoints = (steps$: Observable<StepResult<Params>>) =>
  steps$.pipe(
    // metric = d2l.Accumulator(3), reset at the start of every epoch
    scan((acc, s) => ({ s, sums: accumulatorAdd(s.index === 0 ? emptyAccumulator : acc.sums, s.metrics, s.samples) }), {
      s: undefined as StepResult<Params> | undefined,
      sums: emptyAccumulator,
    }),
    filter(({ s }) => (s!.index + 1) % every === 0 || s!.last),
    map(({ s, sums }): Row => {
      const m = accumulatorMeans(sums);
      return { epoch: s!.epoch + (s!.index + 1) / numBatches, train_loss: m.loss!, train_acc: m.accuracy! };
    }),
  );

const runDir = mkdtempSync(join(tmpdir(), "rivulet-lenet-"));
const plotPath = join(runDir, "lenet.svg");
// d2l's Timer measures only the training steps; evaluation time is measured apart and left out of examples/sec.
let evalMs = 0;
let evalStart = 0;
console.log("training on cpu");
const started = performance.now();

const history = await lastValueFrom(
  trainIter.epochs(numEpochs).pipe(
    trainSteps(step, trainState({ params, optimizer, seed: 0 })),
    // One training run, two views of it: the Animator's sub-epoch points, and per epoch the test accuracy.
    connect((steps$) =>
      merge(
        animatorPoints(steps$),
        steps$.pipe(
          epochs(),
          tap(() => (evalStart = performance.now())),
          evaluate(testIter, { loss }), // evaluate_accuracy_gpu: net.eval(), the whole test set
          tap((e) => {
            evalMs += performance.now() - evalStart;
            console.log(
              `epoch ${e.epoch + 1}: loss ${e.train.loss!.toFixed(3)}, train acc ${e.train.accuracy!.toFixed(3)}, test acc ${e.test.accuracy!.toFixed(3)}`,
            );
          }),
          map((e): EpochRow => ({
            epoch: e.epoch + 1, test_acc: e.test.accuracy!, train: e.train, test: e.test, samples: e.samples,
          })),
        ),
      ),
    ),
    // animator.add(...): the SVG is redrawn as each point arrives; open it in a browser while the run goes on.
    livePlot(plotPath, { series: { train_loss: "train loss", train_acc: "train acc", test_acc: "test acc" }, xlabel: "epoch", xlim: [1, numEpochs] }),
    filter((r): r is EpochRow => "test" in r),
  ),
);
const trainSeconds = (performance.now() - started - evalMs) / 1000;

// print(f'loss {train_l:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}') and the throughput line.
console.log(`loss ${history.train.loss!.toFixed(3)}, train acc ${history.train.accuracy!.toFixed(3)}, test acc ${history.test.accuracy!.toFixed(3)}`);
console.log(`${((history.samples * numEpochs) / trainSeconds).toFixed(1)} examples/sec on cpu`);
console.log(`plot: ${plotPath}`);

// Checks that fail the run rather than print a wrong story. With sigmoids and lr 0.9, LeNet sits at chance level for
// its first few hundred steps (as in d2l), so the quick run only checks that the numbers are sane; the full run must
// reach the bar of 0.78 test accuracy after 10 epochs.
if (!Number.isFinite(history.train.loss!)) throw new Error(`LeNet's train loss is ${history.train.loss}`);
if (!quick && !(history.test.accuracy! >= 0.78)) throw new Error(`LeNet after 10 epochs: test accuracy ${history.test.accuracy} < 0.78`);
