// Curriculum section "完整模型的训练" (the complete training routine): the notes' CIFAR-10 network (nn.zoo.tudui) trained with SGD, tested every epoch, logged to TensorBoard, saved every epoch — as one stream.
//
// The PyTorch version is two nested for-loops with mutable counters (train_step, test_step), optim.zero_grad(),
// loss.backward(), optim.step() and torch.no_grad(). Here every step is a pure function of (state, batch), and the
// loop is a pipeline of stream operators: nothing mutates, and every stage can be tested on its own.
//
//   npx tsx examples/full-training-loop.ts           # 10 epochs over the whole dataset, as the notes
//   npx tsx examples/full-training-loop.ts --quick   # 2 epochs over 128 training and 64 test images
//
// Weights start from rivulet's RNG, so the losses and accuracies differ from the notes' run (PyTorch's RNG).
import { join } from "node:path";
import { Effect } from "effect";
import { lastValueFrom, tap } from "rxjs";
import {
  accuracy, cifar10, crossEntropy, epochs, evaluate, key, loadCheckpoint, loader, mapAsync, nn, openSummaryWriter, saveCheckpoint, sgd, toTensorBoard,
  trainState, trainStep, trainSteps, transforms, type Dataset, type TrainState, type LossFn, type Sample, type Tensor,
} from "../src/index.js";
import { cifar10Source } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const epochCount = quick ? 2 : 10;
const logEvery = quick ? 1 : 100; // if train_step % 100 == 0: add_scalar(...)

// ---- 准备数据集 (the data) --------------------------------------------------------------------------------------
const { root, download } = cifar10Source();
const fullTrain = await cifar10({ root, train: true, transform: transforms.toTensor(), download });
const fullTest = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
const head = <T>(d: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, d.length), get: (i) => d.get(i) });
const trainData: Dataset<Sample<Tensor>> = quick ? head(fullTrain, 128) : fullTrain;
const testData: Dataset<Sample<Tensor>> = quick ? head(fullTest, 64) : fullTest;
console.log(`训练数据集的长度 (train set size): ${trainData.length}, 测试数据集的长度 (test set size): ${testData.length}`);

// DataLoader(train_data, batch_size=64) — no shuffling, as the notes.
const trainDataloader = loader(trainData, { batchSize: 64 });
const testDataloader = loader(testData, { batchSize: 64 });

// ---- 创建网络模型 (the model): Conv-Pool ×3, Flatten, Linear(1024, 64), Linear(64, 10) ----------------------------
const module1 = nn.zoo.tudui();
const { params } = module1.init(key(0));

// ---- 损失函数 (the loss): cross-entropy over logits; accuracy rides along as a metric ---------------------------------
type Batch = { input: Tensor; target: Tensor };
const lossFn: LossFn<nn.Params, Batch> = (p, { input, target }) => {
  const output = module1.forward(p, input);
  return [crossEntropy(output, target), { metrics: { accuracy: accuracy(output, target) } }];
};

// ---- 优化器 (the optimizer) ---------------------------------------------------------------------------------------
const learningRate = 1e-2;
const optimizer = sgd({ lr: learningRate });
// The whole training state — params, optimizer state, RNG key, step counter (train_step), data position — is one value.
const state0 = trainState({ params, optimizer, seed: 0 });
const step = trainStep({ loss: lossFn, optimizer });

// ---- 训练 + 测试 + 记录 + 保存 (train, test, log, save) -------------------------------------------------------------
const runDir = exampleDir("full-training-loop");
const writer = await openSummaryWriter(join(runDir, "logs"));

const testLosses: number[] = [];
const finalEpoch = await lastValueFrom(
  trainDataloader.epochs(epochCount).pipe(
    // for data in train_dataloader: output = module1(imgs); loss = loss_fn(...); optim.step(); train_step += 1
    trainSteps(step, state0),
    // if train_step % 100 == 0: writer.add_scalar("train_loss", loss, train_step)
    toTensorBoard(writer, {
      step: (s) => s.state.step,
      scalars: (s): Record<string, number> => (s.state.step % logEvery === 0 ? { train_loss: s.metrics.loss! } : {}),
    }),
    tap((s) => {
      if (s.state.step % logEvery === 0) console.log(`  训练次数 (train step) ${s.state.step}, loss: ${s.metrics.loss!.toFixed(4)}`);
    }),
    // One value per epoch, with the train loss and accuracy averaged over its samples.
    epochs(),
    // with torch.no_grad(): for data in test_dataloader: ... — loss and accuracy over the whole test set, in eval mode.
    evaluate(testDataloader, { loss: lossFn }),
    tap((e) => testLosses.push(e.test.loss!)),
    tap((e) => console.log(`第${e.epoch + 1}轮 (epoch ${e.epoch + 1}): 测试集的loss (test loss) ${e.test.loss!.toFixed(4)}, 测试集的正确率 (test accuracy) ${e.test.accuracy!.toFixed(4)}`)),
    // test_step += 1; writer.add_scalar("test_loss", ...); writer.add_scalar("test_accuracy", ...)
    toTensorBoard(writer, { step: (e) => e.epoch + 1, scalars: (e) => ({ test_loss: e.test.loss!, test_accuracy: e.test.accuracy! }) }),
    // torch.save(module1, f"module1_{i}.pth"): a state_dict file per epoch (PyTorch loads it with load_state_dict).
    // The loader waits while it is written.
    mapAsync(async (e) => {
      await Effect.runPromise(saveCheckpoint(join(runDir, `module1_${e.epoch}.safetensors`), { params: e.state.params }, { model: module1 }));
      return e;
    }),
  ),
);
await writer.close();

// The whole training state can be saved too; resuming from it continues the run exactly (same data order, same keys).
await Effect.runPromise(saveCheckpoint(join(runDir, "last.safetensors"), finalEpoch.state));
const { state: restored } = await Effect.runPromise(loadCheckpoint<TrainState<nn.Params>>(join(runDir, "last.safetensors")));
console.log(`saved ${epochCount} models (module1_0 … module1_${epochCount - 1}.safetensors) and the training state in ${runDir}; it resumes at step ${restored.step}`);
console.log(`view with: tensorboard --logdir ${join(runDir, "logs")}`);
if (restored.step !== epochCount * trainDataloader.length) throw new Error(`expected ${epochCount * trainDataloader.length} steps, the state says ${restored.step}`);
// With the same keys every run is the same run, so this check is not flaky: the test loss falls from the first epoch to the last.
if (!(testLosses.at(-1)! < testLosses[0]!)) throw new Error(`the test loss should fall: ${testLosses.map((l) => l.toFixed(4)).join(" → ")}`);
