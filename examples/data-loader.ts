// Curriculum section "Dataloader的使用" (DataLoader): batches of 64 from CIFAR-10's test set, shuffled, with and without drop_last, each batch logged as an image grid.
//
// A loader is a value; each epoch is a stream of batches (also an async iterable), produced only as fast as it is consumed.
import { join } from "node:path";
import { cifar10, loader, openSummaryWriter, transforms } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");
const { root, download } = cifar10Source();
const testSet = await cifar10({ root, train: false, transform: transforms.toTensor(), download });

// The first test image's shape and target.
const { input: img, target } = testSet.get(0);
console.log("img.shape:", img.shape, " target:", target);

const logdir = exampleDir("data-loader");
const writer = await openSummaryWriter(logdir);
// In quick mode only the first few batches are logged, but every batch is still counted.
const logged = quick ? 3 : Infinity;

for (const dropLast of [false, true]) {
  // DataLoader(test_set, batch_size=64, shuffle=True, num_workers=0, drop_last=...): a new order every epoch, from the seed.
  const testLoader = loader(testSet, { batchSize: 64, shuffle: true, dropLast, seed: 0 });
  const tag = dropLast ? "test_loader_drop_last" : "test_loader";
  // Two epochs, as the notes' TensorBoard screenshots: each epoch's batches under "Epoch: n".
  for (const epoch of [0, 1]) {
    let step = 0;
    let lastSize = 0;
    for await (const { input: imgs, target: targets } of testLoader.epoch(epoch)) {
      if (step < logged) await writer.addImages(`${tag}/Epoch: ${epoch}`, imgs, step);
      if (step === 0 && epoch === 0) console.log(`${tag}: imgs ${JSON.stringify(imgs.shape)}, targets ${JSON.stringify(targets.shape)} ${targets.dtype}`);
      lastSize = imgs.shape[0]!;
      step++;
    }
    if (epoch === 0) {
      console.log(`${tag}: ${step} batches per epoch, the last holding ${lastSize} images`);
      // 10000 images: 156 full batches and one of 16 — or just the 156 with drop_last.
      const expected = dropLast ? [Math.floor(testSet.length / 64), 64] : [Math.ceil(testSet.length / 64), testSet.length % 64 || 64];
      if (step !== expected[0] || lastSize !== expected[1]) throw new Error(`${tag}: expected ${expected[0]} batches, the last of ${expected[1]}; got ${step}, ${lastSize}`);
    }
  }
}
await writer.close();
console.log(`view with: tensorboard --logdir ${logdir}`);
