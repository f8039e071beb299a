// Curriculum section "利用gpu训练" (training on the GPU, parts 1 and 2): choose the device — a hardware GPU through WebGPU when there is one, else the CPU — move the model and the data there, and train the notes' network.
//
// PyTorch: device = torch.device("cuda" if torch.cuda.is_available() else "cpu"); module.to(device); imgs.to(device).
// rivulet: openDevice("auto") opens WebGPU on a hardware adapter and falls back to the CPU; toDevice moves a whole
// parameter tree; trainStep/trainSteps take the device and move each batch onto it. Software adapters (lavapipe)
// are used only when asked for: RIVULET_ALLOW_SOFTWARE_GPU=1 (slow — a CPU pretending to be a GPU).
//
//   npx tsx examples/train-on-gpu.ts --quick              # auto
//   npx tsx examples/train-on-gpu.ts --device cpu         # or webgpu (fails clearly when there is no adapter)
import { lastValueFrom, tap } from "rxjs";
import {
  accuracy, adapterName, cifar10, crossEntropy, epochs, gpuInfo, key, loader, mapAsync, nn, openDevice, sgd, sum, toDevice, trainState,
  trainStep, trainSteps, transforms, type Dataset, type DeviceChoice, type LossFn, type Sample, type Tensor,
} from "../src/index.js";
import { cifar10Source } from "./_standIns.js";

const quick = process.argv.includes("--quick");
const argDevice = process.argv[process.argv.indexOf("--device") + 1];
const choice = (process.argv.includes("--device") ? argDevice : "auto") as DeviceChoice;

// ---- 定义训练的设备 (the device) --------------------------------------------------------------------------------
// openDevice returns the device's runtime: Effect programs such as gpuInfo() run on it, and close() releases the device.
const runtime = await openDevice(choice);
const { device, close } = runtime;
if (device.name === "webgpu") {
  const info = await runtime.runPromise(gpuInfo());
  console.log(`training on WebGPU: ${adapterName(info)}`);
} else console.log(`training on the CPU (${choice === "auto" ? "no hardware GPU adapter found" : "asked for"})`);

// ---- 准备数据集 (the data) ------------------------------------------------------------------------------------------
const { root, download } = cifar10Source();
const fullTrain = await cifar10({ root, train: true, transform: transforms.toTensor(), download });
const fullTest = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
const head = <T>(d: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, d.length), get: (i) => d.get(i) });
const trainData: Dataset<Sample<Tensor>> = quick ? head(fullTrain, 128) : fullTrain;
const testData: Dataset<Sample<Tensor>> = quick ? head(fullTest, 64) : fullTest;
const trainDataloader = loader(trainData, { batchSize: 64 });
const testDataloader = loader(testData, { batchSize: 64 });

// ---- 网络模型 (the model), moved to the device: module1.to(device) ---------------------------------------------------
const module1 = nn.zoo.tudui();
const params = await toDevice(module1.init(key(0)).params, device);
const [firstName, firstParam] = nn.namedParameters(params)[0]!;
console.log(`${firstName} lives on: ${firstParam.device.name}`);

// ---- 损失函数与优化器 (loss and optimizer) — a loss is a function, so there is nothing to move ---------------------------------
type Batch = { input: Tensor; target: Tensor };
const lossFn: LossFn<nn.Params, Batch> = (p, { input, target }) => {
  const output = module1.forward(p, input);
  return [crossEntropy(output, target), { metrics: { accuracy: accuracy(output, target) } }];
};
const optimizer = sgd({ lr: 1e-2 });
// The step runs on `device`: each batch (imgs, targets) is moved there, as imgs.to(device) in the notes.
const step = trainStep({ loss: lossFn, optimizer, device });

// ---- 测试 (testing): with torch.no_grad() — a forward pass only; the counts are read back from the device --------------
const testAccuracy = async (p: nn.Params): Promise<number> => {
  let correct = 0;
  for await (const { input: imgs, target: targets } of testDataloader.epoch(0)) {
    const output = module1.forward(p, imgs.to(device));
    const hits = sum(output.argmax(1).eq(targets.to(device)));
    correct += ((await hits.data()) as Int32Array | Float32Array)[0]!;
  }
  return correct / testData.length;
};

const epochCount = quick ? 1 : 10;
const logEvery = quick ? 1 : 100;
const start = performance.now();
const accuracies: number[] = [];
await lastValueFrom(
  trainDataloader.epochs(epochCount).pipe(
    trainSteps(step, trainState({ params, optimizer, seed: 0 })),
    tap((s) => {
      // print(time_end - time_start) every 100 steps: the seconds so far, to compare devices.
      if (s.state.step % logEvery === 0) console.log(`  step ${s.state.step}: loss ${s.metrics.loss!.toFixed(4)}, ${((performance.now() - start) / 1000).toFixed(2)} s`);
    }),
    epochs(),
    mapAsync(async (e) => {
      const acc = await testAccuracy(e.state.params);
      accuracies.push(acc);
      console.log(`第${e.epoch + 1}轮测试集的正确率 (epoch ${e.epoch + 1} test accuracy): ${acc.toFixed(4)}`);
      return e;
    }),
  ),
);
const seconds = (performance.now() - start) / 1000;
console.log(`${epochCount} epoch(s) on ${device.name} in ${seconds.toFixed(2)} s (${((epochCount * trainData.length) / seconds).toFixed(1)} images/s)`);
await close();
if (accuracies.length !== epochCount || accuracies.some((a) => !(a >= 0 && a <= 1))) throw new Error(`expected ${epochCount} accuracies in [0, 1], got ${accuracies}`);
