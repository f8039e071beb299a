// Curriculum section "模型验证" (validating the model): load saved models, read image files, resize them to 32×32, and predict CIFAR-10 class names with probabilities.
//
// The notes load module1.pth and module10.pth (after 1 and 10 epochs of the GPU section). Here the models are the
// state_dict files full-training-loop.ts writes — pass them with `--model a.safetensors,b.safetensors`, or set
// RIVULET_RUNS for both examples. Without them this example first trains two small models itself (after 1 epoch
// and after the last) and saves them, so what follows is always "load a saved model and use it".
// The photos are read from $RIVULET_DATA/images/{cat,dog,airplane}.jpg, else generated stand-ins are used.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { lastValueFrom } from "rxjs";
import {
  CIFAR10_CLASSES, adam, loadCheckpoint, saveCheckpoint, cifar10, crossEntropy, epochs, key, loader, mapAsync, nn, readImage, reshape, softmax, trainState, trainStep, trainSteps,
  transforms, type Dataset, type LossFn, type Sample, type Tensor,
} from "../src/index.js";
import { cifar10Source, dataRoot, standInPhotos } from "./_standIns.js";

const quick = process.argv.includes("--quick");
const module1 = nn.zoo.tudui(); // the architecture; the weights come from the files

// ---- The saved models --------------------------------------------------------------------------------------------
const given = process.argv.includes("--model") ? process.argv[process.argv.indexOf("--model") + 1]!.split(",") : undefined;
const runs = process.env["RIVULET_RUNS"] !== undefined ? join(process.env["RIVULET_RUNS"], "full-training-loop") : undefined;
const fromRuns = runs !== undefined && existsSync(join(runs, "module1_9.safetensors")) ? [join(runs, "module1_0.safetensors"), join(runs, "module1_9.safetensors")] : undefined;

const trainAndSave = async (): Promise<string[]> => {
  console.log("[models] no saved models given (--model or RIVULET_RUNS): training two small ones first");
  const { root, download } = cifar10Source();
  const full = await cifar10({ root, train: true, transform: transforms.toTensor(), download });
  const data: Dataset<Sample<Tensor>> = { length: quick ? 128 : full.length, get: (i) => full.get(i) };
  type Batch = { input: Tensor; target: Tensor };
  const lossFn: LossFn<nn.Params, Batch> = (p, { input, target }) => [crossEntropy(module1.forward(p, input), target), {}];
  const optimizer = adam({ lr: 1e-3 }); // converges in fewer steps than the notes' SGD, which keeps this preamble short
  const dir = mkdtempSync(join(tmpdir(), "rivulet-models-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true })); // models trained just for this run
  const epochCount = quick ? 2 : 10;
  const saved: string[] = [];
  await lastValueFrom(
    loader(data, { batchSize: 32, shuffle: true }).epochs(epochCount).pipe(
      trainSteps(trainStep({ loss: lossFn, optimizer }), trainState({ params: module1.init(key(0)).params, optimizer })),
      epochs(),
      mapAsync(async (e) => {
        if (e.epoch === 0 || e.epoch === epochCount - 1) {
          const path = join(dir, `module${e.epoch + 1}.safetensors`);
          await Effect.runPromise(saveCheckpoint(path, { params: e.state.params }, { model: module1 }));
          saved.push(path);
        }
        return e;
      }),
    ),
  );
  return saved;
};
const modelPaths = given ?? fromRuns ?? (await trainAndSave());

// ---- The images: Resize((32, 32)) then ToTensor, since the network takes 32×32 ---------------------------------------
const names = ["cat", "dog", "airplane"];
const real = names.map((n) => join(dataRoot(), "images", `${n}.jpg`));
const imagePaths = real.every((p) => existsSync(p)) ? real : standInPhotos(names);
if (imagePaths !== real) console.log(`[data] no ${join(dataRoot(), "images")}/{cat,dog,airplane}.jpg: using generated stand-in photos`);
const transform = transforms.compose([transforms.resize([32, 32]), transforms.toTensor()]);
const images: Tensor[] = [];
for (const path of imagePaths) {
  const img = await readImage(path); // Image.open(path).convert("RGB")
  const x = reshape(transform(img), [1, 3, 32, 32]); // one image as a batch of one
  console.log(`${path}: ${img.width}×${img.height} → ${JSON.stringify(x.shape)}`);
  images.push(x);
}

// ---- Predict: module(image).argmax(1), with softmax probabilities --------------------------------------------------
// list_test: the CIFAR-10 classes in label order.
for (const path of modelPaths) {
  const { variables } = await Effect.runPromise(loadCheckpoint(path, { model: module1 })); // torch.load(...) — names and shapes are checked
  images.forEach((x, i) => {
    const output = module1.forward(variables.params, x); // evaluation mode: no gradients are recorded outside grad()
    const probs = softmax(output, 1);
    const cls = output.argmax(1).item();
    const p = Array.from(probs.dataSync());
    const top = p.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0]).slice(0, 3);
    console.log(`使用${path.split("/").pop()}模型对${names[i]}图片的测试结果 (prediction for ${names[i]}): ${CIFAR10_CLASSES[cls]} ` +
      `(${top.map(([v, c]) => `${CIFAR10_CLASSES[c]} ${(100 * v).toFixed(1)}%`).join(", ")})`);
    const total = p.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-5 || top[0]![1] !== cls) throw new Error(`probabilities must sum to 1 (${total}) and peak at the argmax`);
  });
}
