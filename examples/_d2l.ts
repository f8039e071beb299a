// Helpers the examples share, as the curriculum's code shares d2l's: data loading, train_ch3/train_ch6, shape listings, flags.
import { lastValueFrom, map, tap, toArray } from "rxjs";
import {
  nn, crossEntropy, accuracy, sgd, trainState, trainStep, trainSteps, epochs, evaluate, fashionMnist, transforms, loader, livePlot,
  type Dataset, type EpochResult, type GradientTransformation, type Loader, type LossFn, type Sample, type Tensor,
} from "../src/index.js";

/** The value after `--name` on the command line as a positive number, or `fallback`; a bad value is an error naming the flag. */
export const numberFlag = (name: string, fallback: number, { integer = false } = {}): number => {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const v = Number(process.argv[at + 1]);
  if (!(v > 0) || (integer && !Number.isInteger(v))) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${process.argv[at + 1]}`);
  return v;
};

/** d2l's `for layer in net: X = layer(X); print(...)`: each top-level child runs on its own slice of the variables. */
export const shapeListing = (net: nn.Sequential, variables: nn.Variables, input: Tensor): [string, number[]][] => {
  let X = input;
  return net.children.map(([name], i) => {
    const layer = net.at(i);
    const vars = { params: (variables.params[name] ?? {}) as nn.Params, state: (variables.state[name] ?? {}) as nn.State };
    X = layer.apply(vars, X).output;
    console.log(`${layer.kind} output shape:\t [${X.shape.join(", ")}]`);
    return [layer.kind, [...X.shape]];
  });
};

/** Fails the example when a shape listing differs from the one PyTorch printed. */
export const expectListing = (what: string, actual: [string, number[]][], expected: [string, number[]][]): void => {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: per-layer shapes differ from PyTorch's:\n${JSON.stringify(actual)}\nexpected\n${JSON.stringify(expected)}`);
};

export interface TrainCh6Options {
  /** The network's name, for the final check's message. */
  readonly name: string;
  readonly net: nn.Module<Tensor, Tensor>;
  readonly params: nn.Params;
  /** The model's buffers (BatchNorm statistics), carried from step to step when present. */
  readonly modelState?: nn.State;
  readonly train: Loader<Sample<Tensor, Tensor>>;
  readonly test: Loader<Sample<Tensor, Tensor>>;
  readonly trainSamples: number;
  readonly size: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly numEpochs: number;
  /** Print every step (quick runs), else every `logEvery` steps. */
  readonly quick: boolean;
  readonly logEvery: number;
}

/**
 * d2l's `train_ch6` as a stream: SGD on cross-entropy, the loss and accuracy per epoch on both sets, examples per second;
 * dropout draws from each step's key and BatchNorm's running statistics ride along as model state.
 */
export const trainCh6 = async (o: TrainCh6Options): Promise<EpochResult<nn.Params> & { test: Readonly<Record<string, number>> }> => {
  const loss: LossFn<nn.Params, Sample<Tensor, Tensor>> = (p, { input, target }, ctx) => {
    const { output, state } = o.net.apply({ params: p, state: (ctx.modelState ?? {}) as nn.State }, input, { training: ctx.training, key: ctx.key });
    const metrics = { accuracy: accuracy(output, target) };
    return [crossEntropy(output, target), Object.keys(state).length > 0 ? { metrics, modelState: state } : { metrics }];
  };
  const optimizer = sgd({ lr: o.lr });
  console.log(`training on cpu: ${o.trainSamples} images of ${o.size}×${o.size}, batch ${o.batchSize}, lr ${o.lr}, ${o.numEpochs} epoch(s)`);
  const started = performance.now();
  const state0 = trainState({ params: o.params, optimizer, seed: 0, ...(o.modelState ? { modelState: o.modelState } : {}) });
  const last = await lastValueFrom(
    o.train.epochs(o.numEpochs).pipe(
      trainSteps(trainStep({ loss, optimizer }), state0),
      tap((s) => (o.quick || s.state.step % o.logEvery === 0) && console.log(`  step ${s.state.step}: loss ${s.metrics.loss!.toFixed(4)}`)),
      epochs(),
      evaluate(o.test, { loss }),
      tap((e) => console.log(`epoch ${e.epoch + 1}: loss ${e.train.loss!.toFixed(3)}, train acc ${e.train.accuracy!.toFixed(3)}, test acc ${e.test.accuracy!.toFixed(3)}`)),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`loss ${last.train.loss!.toFixed(3)}, train acc ${last.train.accuracy!.toFixed(3)}, test acc ${last.test.accuracy!.toFixed(3)}`);
  console.log(`${((last.samples * o.numEpochs) / seconds).toFixed(1)} examples/sec on cpu (evaluation included)`);
  if (!Number.isFinite(last.train.loss!)) throw new Error(`${o.name}'s train loss is ${last.train.loss}`);
  return last;
};

/**
 * d2l's `load_data_fashion_mnist(batch_size)`: ToTensor'd Fashion-MNIST loaders (shuffled training batches); quick runs
 * take the first 512 training and 256 test images.
 */
export const loadDataFashionMnist = async (batchSize: number, quick: boolean) => {
  const root = process.env.RIVULET_DATA ?? "data";
  const transform = transforms.toTensor();
  const mnistTrain = await fashionMnist({ root, train: true, transform, download: true });
  const mnistTest = await fashionMnist({ root, train: false, transform, download: true });
  const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
  return {
    trainIter: loader(quick ? firstN(mnistTrain, 512) : mnistTrain, { batchSize, shuffle: true, seed: 0 }),
    testIter: loader(quick ? firstN(mnistTest, 256) : mnistTest, { batchSize }),
  };
};

/** One epoch of d2l's Animator: train loss, train accuracy and test accuracy. */
export interface EpochRow {
  readonly epoch: number;
  readonly train_loss: number;
  readonly train_acc: number;
  readonly test_acc: number;
}

/**
 * d2l's `train_ch3` as a stream: SGD steps, per-epoch averages, test accuracy, one line per epoch and the Animator's
 * live plot at `<runDir>/curves.svg`.
 */
export const trainCh3 = async <P, B>(o: {
  readonly loss: LossFn<P, B>;
  readonly optimizer: GradientTransformation<unknown>;
  readonly params: P;
  readonly seed: number;
  readonly train: Loader<B>;
  readonly test: Loader<B>;
  readonly numEpochs: number;
  readonly runDir: string;
}): Promise<EpochRow[]> =>
  lastValueFrom(
    o.train.epochs(o.numEpochs).pipe(
      trainSteps(trainStep({ loss: o.loss, optimizer: o.optimizer }), trainState({ params: o.params, optimizer: o.optimizer, seed: o.seed })),
      epochs(),
      evaluate(o.test, { loss: o.loss }), // evaluation mode: no dropout
      map((e): EpochRow => ({ epoch: e.epoch + 1, train_loss: e.train.loss!, train_acc: e.train.accuracy!, test_acc: e.test.accuracy! })),
      tap((r) => console.log(`epoch ${r.epoch}: train loss ${r.train_loss.toFixed(3)}, train acc ${r.train_acc.toFixed(3)}, test acc ${r.test_acc.toFixed(3)}`)),
      livePlot(`${o.runDir}/curves.svg`, { series: { train_loss: "train loss", train_acc: "train acc", test_acc: "test acc" }, xlim: [1, o.numEpochs], ylim: [0.3, 0.9] }),
      toArray(),
    ),
  );
