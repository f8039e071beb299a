// Curriculum section "预训练与微调" (pre-training and fine-tuning): a CNN trained on a large labelled set, then adapted to new classes from a few dozen images — shallow layers frozen, or all fine-tuned — against training from scratch.
//
//   npx tsx examples/fine-tuning.ts            the full run (minutes on 2 cores; numbers in docs/results.md)
//   npx tsx examples/fine-tuning.ts --quick    tiny settings, a smoke test
//
// The notes' idea: the shallow layers of a network trained on a big task learn general features (edges, textures,
// parts), so a new task with very little labelled data can start from them instead of from random weights. Here the
// "big task" is Fashion-MNIST's classes 0–4 (T-shirt, trouser, pullover, dress, coat) and the new task is classes 5–9
// (sandal, shirt, sneaker, bag, ankle boot) with only a few labelled images per class. Three ways to learn it:
//   frozen:     keep the pre-trained convolutions fixed (the "feature extractor"), train only the new dense layers;
//   fine-tuned: start every layer from the pre-trained weights and train them all;
//   scratch:    the same network from random weights, trained on the same few images.
import { lastValueFrom } from "rxjs";
import {
  accuracy, adam, crossEntropy, fashionMnist, key, loader, nn, subset, transforms, trainState, trainStep, trainSteps,
  type Dataset, type LossFn, type Sample, type Tensor,
} from "../src/index.js";

const quick = process.argv.includes("--quick");
const s = quick
  ? { pretrainImages: 300, pretrainEpochs: 1, shots: 4, draws: 1, fewEpochs: 5, testImages: 200 }
  : { pretrainImages: 8000, pretrainEpochs: 2, shots: 4, draws: 5, fewEpochs: 40, testImages: 2000 };

// ---- The data: two disjoint tasks from one dataset -----------------------------------------------------------------
const root = process.env.RIVULET_DATA ?? "data";
const train = await fashionMnist({ root, train: true, transform: transforms.toTensor() });
const test = await fashionMnist({ root, train: false, transform: transforms.toTensor() });
/** The indices of the images whose label is in `classes`, the first `n` of them. */
const indicesOf = (ds: { readonly targets: Uint8Array }, classes: readonly number[], n: number): number[] => {
  const out: number[] = [];
  for (let i = 0; i < ds.targets.length && out.length < n; i++) if (classes.includes(ds.targets[i]!)) out.push(i);
  return out;
};
/** Labels 5–9 become 0–4, so both tasks have a 5-way output. */
const relabel = (ds: Dataset<Sample<Tensor>>, offset: number): Dataset<Sample<Tensor>> => ({
  length: ds.length,
  get: async (i) => {
    const x = await ds.get(i);
    return { input: x.input, target: x.target - offset };
  },
});
const big = subset(train, indicesOf(train, [0, 1, 2, 3, 4], s.pretrainImages));
// A few labelled images per new class. With so few, which ones are drawn matters: each of `draws` sets takes the next
// `shots` images of every class, and the accuracies are averaged over the sets.
const fewSets = Array.from({ length: s.draws }, (_, d) =>
  relabel(subset(train, [5, 6, 7, 8, 9].flatMap((c) => indicesOf(train, [c], (d + 1) * s.shots).slice(d * s.shots))), 5));
const newTest = relabel(subset(test, indicesOf(test, [5, 6, 7, 8, 9], s.testImages)), 5);
console.log(`pre-training on ${big.length} images of classes 0–4; adapting with ${5 * s.shots} images of classes 5–9 (${s.shots} each, ${s.draws} different sets); testing on ${newTest.length}`);

// ---- The network: shallow convolutional layers ("0"–"5") and deep dense layers ("7"–"9") ------------------------
const net = nn.sequential([
  nn.conv2d({ inChannels: 1, outChannels: 8, kernelSize: 3, padding: 1 }), nn.relu(), nn.maxPool2d({ kernelSize: 2 }),
  nn.conv2d({ inChannels: 8, outChannels: 16, kernelSize: 3, padding: 1 }), nn.relu(), nn.maxPool2d({ kernelSize: 2 }),
  nn.flatten(),
  nn.linear({ inFeatures: 16 * 7 * 7, outFeatures: 64 }), nn.relu(), nn.linear({ inFeatures: 64, outFeatures: 5 }),
]);
type Params = nn.Params;
type Batch = Sample<Tensor, Tensor>;
const SHALLOW = ["0", "3"]; // the two convolutions: the parameters "frozen" keeps

/** Trains the parameters in `trainable` (the others stay as in `fixed`) and returns all of them. */
const fit = async (fixed: Params, trainable: Params, data: Dataset<Sample<Tensor>>, epochs: number, lr: number, batchSize: number): Promise<Params> => {
  const loss: LossFn<Params, Batch> = (p, { input, target }) => {
    const out = net.forward({ ...fixed, ...p }, input);
    return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
  };
  const optimizer = adam({ lr });
  const last = await lastValueFrom(loader(data, { batchSize, shuffle: true, seed: 0 }).epochs(epochs).pipe(trainSteps(trainStep({ loss, optimizer }), trainState({ params: trainable, optimizer, seed: 0 }))));
  return { ...fixed, ...last.state.params };
};
/** Accuracy on the new classes' test images. */
const testAccuracy = async (p: Params): Promise<number> => {
  let [right, total] = [0, 0];
  for await (const { batch } of loader(newTest, { batchSize: 500 }).epochs(1)) {
    right += accuracy(net.forward(p, batch.input), batch.target).item() * batch.target.size;
    total += batch.target.size;
  }
  return right / total;
};
const pick = (p: Params, keys: readonly string[], keep: boolean): Params => Object.fromEntries(Object.entries(p).filter(([k]) => keys.includes(k) === keep)) as Params;

// ---- 1. Pre-training on the large dataset (classes 0–4) ----------------------------------------------------------
const pretrained = await fit({}, net.init(key(0)).params, big, s.pretrainEpochs, 1e-3, 64);
const fresh = net.init(key(1)).params; // new random weights, for the new head and for the scratch model
// The pre-trained model's own task, as a sanity check: the old classes' test images.
const oldTest = subset(test, indicesOf(test, [0, 1, 2, 3, 4], 1000));
let oldRight = 0;
for await (const { batch } of loader(oldTest, { batchSize: 500 }).epochs(1)) oldRight += accuracy(net.forward(pretrained, batch.input), batch.target).item() * batch.target.size;
console.log(`pre-trained on classes 0–4: test accuracy ${(oldRight / oldTest.length).toFixed(3)} on them`);

// ---- 2. Adapting to classes 5–9 with a few images ----------------------------------------------------------------
// The last layer is new in every case (new classes): fresh weights there. Frozen: the convolutions are fixed, the
// dense layers train. Fine-tuned: everything trains, from the pre-trained weights. Scratch: everything trains, from random.
const head = (p: Params): Params => ({ ...p, "9": fresh["9"]! });
const results = { frozen: 0, fineTuned: 0, scratch: 0 };
for (const few of fewSets) {
  const frozen = await fit(pick(pretrained, SHALLOW, true), pick(head(pretrained), SHALLOW, false), few, s.fewEpochs, 1e-3, 10);
  const fineTuned = await fit({}, head(pretrained), few, s.fewEpochs, 1e-3, 10);
  const scratch = await fit({}, fresh, few, s.fewEpochs, 1e-3, 10);
  const got = { frozen: await testAccuracy(frozen), fineTuned: await testAccuracy(fineTuned), scratch: await testAccuracy(scratch) };
  console.log(`  set ${fewSets.indexOf(few) + 1}: frozen ${got.frozen.toFixed(3)}, fine-tuned ${got.fineTuned.toFixed(3)}, scratch ${got.scratch.toFixed(3)}`);
  for (const k of ["frozen", "fineTuned", "scratch"] as const) results[k] += got[k] / fewSets.length;
}
console.log(`test accuracy on classes 5–9 after ${5 * s.shots} labelled images (mean of ${s.draws} sets):`);
console.log(`  shallow layers frozen (pre-trained features):  ${results.frozen.toFixed(3)}`);
console.log(`  all layers fine-tuned from pre-training:       ${results.fineTuned.toFixed(3)}`);
console.log(`  trained from scratch:                          ${results.scratch.toFixed(3)}`);
for (const v of Object.values(results)) if (!(v >= 0 && v <= 1)) throw new Error(`an accuracy is out of range: ${v}`);
// Whether pre-training helps depends on how much the tasks share. On this split it did not: in the full run (docs/results.md)
// training from scratch on the same 20 images scored a little higher than either pre-trained start, in every set — the
// features learned from tops, trousers, dresses and coats are not what tells sandals, sneakers, boots, shirts and bags
// apart (our reading; a pre-training set that covers the new classes' kind of images would be the test of it). The
// check is only that each way learned the new task well above chance (0.2).
const best = results.scratch > Math.max(results.frozen, results.fineTuned) ? "training from scratch" : results.frozen >= results.fineTuned ? "the frozen pre-trained features" : "fine-tuning the pre-trained network";
console.log(`best here: ${best}`);
if (!quick && !Object.values(results).every((v) => v > 0.5)) throw new Error(`expected every way to reach well above chance (0.2), got ${JSON.stringify(results)}`);
