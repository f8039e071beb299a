// Curriculum section "图像分类数据集" (the image classification dataset): Fashion-MNIST, its labels, a grid of samples, loaders.
//
// torchvision.datasets.FashionMNIST(root, train, transform=ToTensor(), download=True) is `fashionMnist({ ... })`;
// DataLoader is `loader`; d2l's show_images draws into a file (an SVG under runs/) instead of a notebook cell.
// Everything printed here is deterministic, and the asserted numbers are what torchvision 0.14 gives on the same
// files (the batch of the first 18 images, the resized batch).
//
//   npx tsx examples/fashion-mnist.ts           # times one pass over all 60000 training images
//   npx tsx examples/fashion-mnist.ts --quick   # times a pass over the first 5000
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  fashionMnist, transforms, loader, sum,
  showImages, type Dataset, type Loader, type Tensor,
} from "../src/index.js";

const quick = process.argv.includes("--quick");
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

// ---- 读取数据集 --------------------------------------------------------------------------------------------------
// ToTensor: each 28×28 uint8 image becomes a float32 tensor [1, 28, 28] with values in [0, 1].
// With download: true, files already on this machine (Debian's dataset-fashion-mnist, or RIVULET_DATA) are used;
// otherwise they are downloaded into root and checksummed, as torchvision does.
const root = process.env.RIVULET_DATA ?? "data";
const trans = transforms.toTensor();
const mnistTrain = await fashionMnist({ root, train: true, transform: trans, download: true });
const mnistTest = await fashionMnist({ root, train: false, transform: trans, download: true });
console.log(mnistTrain.length, mnistTest.length); // 60000 10000
console.log(mnistTrain.get(0).input.shape); // [1, 28, 28]
if (mnistTrain.length !== 60000 || mnistTest.length !== 10000) throw new Error("expected 60000 training and 10000 test images");

// ---- 类别 (the 10 classes) ------------------------------------------------------------------------------------------
// torchvision's own names, and d2l's get_fashion_mnist_labels (short lowercase names for plot titles).
console.log("classes:", mnistTrain.classes.join(", "));
const getFashionMnistLabels = (labels: readonly number[]): string[] => {
  const textLabels = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];
  return labels.map((i) => textLabels[i]!);
};

// ---- 样本可视化: X, y = next(iter(DataLoader(mnist_train, batch_size=18))) -------------------------------------------
// next(iter(loader)): leaving the for-await loop stops the loader, so nothing beyond this batch is read.
const nextBatch = async <B>(data: Loader<B>): Promise<B> => {
  for await (const batch of data.epoch(0)) return batch;
  throw new Error("the loader is empty");
};
const { input: X, target: y } = await nextBatch(loader(mnistTrain, { batchSize: 18 }));
const labels = y.tolist() as number[];
console.log("labels:", getFashionMnistLabels(labels).join(", "));
// torchvision: [9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0], pixel sum 3934.6902
const torchLabels = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0];
if (labels.join() !== torchLabels.join()) throw new Error(`expected torchvision's first 18 labels ${torchLabels}, got ${labels}`);
if (!close(sum(X).item(), 3934.6902, 0.01)) throw new Error(`expected the 18 images' pixel sum 3934.6902 (torchvision), got ${sum(X).item()}`);
// show_images(X.reshape(18, 28, 28), 2, 9, titles=...): a 2 × 9 grid with the labels as titles.
// (showImages writes the file atomically but does not create its folder, so make it first.)
const gridPath = "runs/fashion-mnist/samples.svg";
mkdirSync(dirname(gridPath), { recursive: true });
await showImages(gridPath, X.reshape(18, 28, 28), { numRows: 2, numCols: 9, titles: getFashionMnistLabels(labels) });
console.log(`the first 18 images with their labels: ${gridPath}`);

// ---- 读取小批量: the time of one pass over the training set ------------------------------------------------------------
// d2l uses 4 worker processes; here batches are decoded in this thread, `prefetch` of them ahead of the consumer
// (loader's `workers` option runs them in threads, for datasets built by a module: see docs/streams.md).
const batchSize = 256;
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const timed = quick ? firstN(mnistTrain, 5000) : mnistTrain;
const trainIter = loader(timed, { batchSize, shuffle: true });
const start = performance.now();
let batches = 0;
for await (const _ of trainIter.epoch(0)) batches++;
console.log(`训练时间 (one pass, ${timed.length} images in ${batches} batches): ${((performance.now() - start) / 1000).toFixed(2)} sec`);

// ---- 整合所有组件: load_data_fashion_mnist(batch_size, resize) ------------------------------------------------------
// Resize (bilinear with antialiasing, as torchvision's on PIL images) goes before ToTensor.
const loadDataFashionMnist = async (batchSize: number, resize?: number): Promise<[Loader<{ input: Tensor; target: Tensor }>, Loader<{ input: Tensor; target: Tensor }>]> => {
  const trans = resize ? transforms.compose([transforms.resize(resize), transforms.toTensor()]) : transforms.toTensor();
  const mnistTrain = await fashionMnist({ root, train: true, transform: trans, download: true });
  const mnistTest = await fashionMnist({ root, train: false, transform: trans, download: true });
  return [loader(mnistTrain, { batchSize, shuffle: true }), loader(mnistTest, { batchSize, shuffle: false })];
};
const [resizedTrain] = await loadDataFashionMnist(32, 64);
{
  const { input, target } = await nextBatch(resizedTrain);
  // PyTorch: torch.Size([32, 1, 64, 64]) torch.float32 torch.Size([32]) torch.int64 (rivulet's labels are int32)
  console.log(input.shape, input.dtype, target.shape, target.dtype);
  if (input.shape.join() !== "32,1,64,64" || input.dtype !== "float32" || target.shape.join() !== "32")
    throw new Error(`expected a batch [32, 1, 64, 64] float32 with labels [32], got ${input.shape} ${input.dtype} and ${target.shape}`);
}
// Unshuffled, the first 32 resized images sum to 39259.7617 in torchvision: the resampling matches PIL's.
const resized = await fashionMnist({ root, train: true, transform: transforms.compose([transforms.resize(64), transforms.toTensor()]) });
const resizedSum = sum((await nextBatch(loader(resized, { batchSize: 32 }))).input).item();
console.log("pixel sum of the first 32 resized images:", resizedSum.toFixed(2), "(torchvision: 39259.76)");
if (!close(resizedSum, 39259.7617, 1)) throw new Error(`expected torchvision's pixel sum 39259.7617, got ${resizedSum}`);
