// Curriculum section "完整的模型训练套路" (the complete training routine): train, evaluate each epoch, log, save — as one stream.
//
// The PyTorch version is two nested for-loops with mutable counters (train_step, test_step), optim.zero_grad(),
// loss.backward(), optim.step() and torch.no_grad(). Here every step is a pure function of (state, batch), and
// the loop is a pipeline of stream operators: nothing mutates, and every stage can be tested on its own.
//
//   npx tsx examples/full-training-loop.ts           # 10 epochs
//   npx tsx examples/full-training-loop.ts --quick   # 3 epochs, for a smoke test
import { lastValueFrom, tap } from "rxjs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  nn, key, split, randn, tensor, crossEntropy, accuracy, sgd,
  loader, trainState, trainStep, trainSteps, epochs, evaluate, earlyStopping, mapAsync, checkpoint, resume,
  type Dataset, type Sample, type Tensor, type LossFn,
} from "../src/index.js";

const quick = process.argv.includes("--quick");

// ---- 准备数据集 (the data) ------------------------------------------------------------------------
// A synthetic stand-in for CIFAR10 that trains in seconds: three Gaussian blobs in 2-D, one per class.
const blobs = (n: number, seed: number): Dataset<Sample<Tensor>> => {
  const [kx, kc] = split(key(seed));
  const noise = randn(kx!, [n, 2]).mul(0.6).tolist() as number[][];
  const classes = Array.from(randn(kc!, [n]).dataSync(), (v) => Math.abs(Math.floor(v * 1000)) % 3);
  const centres = [[-2, 0], [2, 0], [0, 2.5]];
  return {
    length: n,
    // get(i) is called lazily, only for samples a batch is about to need.
    get: (i) => ({ input: tensor([centres[classes[i]!]![0]! + noise[i]![0]!, centres[classes[i]!]![1]! + noise[i]![1]!]), target: classes[i]! }),
  };
};
const trainData = blobs(600, 1);
const testData = blobs(200, 2);

// DataLoader(train_data, batch_size=64, shuffle=True): a new order every epoch, from the seed.
const train = loader(trainData, { batchSize: 64, shuffle: true, seed: 0 });
const test = loader(testData, { batchSize: 64 });
console.log(`训练数据集的长度 (train samples): ${trainData.length}, 测试 (test): ${testData.length}, batches per epoch: ${train.length}`);

// ---- 创建网络模型 (the model) ------------------------------------------------------------------------
const model = nn.sequential([nn.linear({ inFeatures: 2, outFeatures: 32 }), nn.relu(), nn.linear({ inFeatures: 32, outFeatures: 3 })]);
const { params } = model.init(key(0));
type Params = typeof params;
type Batch = { input: Tensor; target: Tensor };

// ---- 损失函数 (the loss) -------------------------------------------------------------------------------
// nn.CrossEntropyLoss over logits; accuracy rides along as a metric, so no separate pass computes it.
const lossFn: LossFn<Params, Batch> = (p, { input, target }) => {
  const output = model.forward(p, input);
  return [crossEntropy(output, target), { metrics: { accuracy: accuracy(output, target) } }];
};

// ---- 优化器 (the optimizer) ----------------------------------------------------------------------------
const optimizer = sgd({ lr: 1e-1 });
// The whole training state — params, optimizer state, RNG key, step counter, data position — is one value.
const state0 = trainState({ params, optimizer, seed: 0 });
const step = trainStep({ loss: lossFn, optimizer });

// ---- 训练 + 测试 + 记录 + 保存 (train, test, log, save) -----------------------------------------------------
const runDir = mkdtempSync(join(tmpdir(), "rivulet-full-loop-"));
const epochCount = quick ? 3 : 10;

const finalEpoch = await lastValueFrom(
  train.epochs(epochCount).pipe(
    // for data in train_dataloader: ... optim.step(); train_step += 1
    trainSteps(step, state0),
    // if train_step % 100 == 0: writer.add_scalar("train_loss", loss, train_step)
    tap(({ state, metrics }) => {
      if (state.step % 10 === 0) console.log(`  训练次数 (step) ${state.step}: loss ${metrics.loss!.toFixed(4)}`);
    }),
    // One result per epoch, with the train loss and accuracy averaged over its samples (d2l's Accumulator).
    epochs(),
    // with torch.no_grad(): for data in test_dataloader: ...  — the test loss and accuracy over the whole test set.
    evaluate(test, { loss: lossFn }),
    tap((e) =>
      console.log(
        `第${e.epoch + 1}轮 (epoch ${e.epoch + 1}): train loss ${e.train.loss!.toFixed(4)} acc ${e.train.accuracy!.toFixed(3)} | ` +
          `测试集 (test) loss ${e.test.loss!.toFixed(4)} 正确率 (accuracy) ${e.test.accuracy!.toFixed(3)}`,
      ),
    ),
    // torch.save(module, f"module_{i}.pth"): the loader waits while the checkpoint is written.
    mapAsync(async (e) => {
      await checkpoint(join(runDir, `epoch_${e.epoch}.safetensors`), e.state);
      return e;
    }),
    // Stop when the test loss has not improved for 3 epochs.
    earlyStopping({ monitor: (e) => e.test.loss!, patience: 3 }),
  ),
);

// A checkpoint holds the whole state: resuming from it continues the run exactly (same data order, same keys).
const restored = await resume<Params>(join(runDir, `epoch_${finalEpoch.epoch}.safetensors`));
console.log(`saved ${finalEpoch.epoch + 1} checkpoints in ${runDir}; the last resumes at epoch ${restored.position.epoch}, step ${restored.step}`);
if (finalEpoch.test.accuracy! < 0.9) throw new Error(`expected the blobs to be separable, test accuracy ${finalEpoch.test.accuracy}`);
