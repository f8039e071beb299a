// Curriculum section "深度卷积神经网络 AlexNet": d2l's AlexNet for Fashion-MNIST at 224×224 — its per-layer shapes, and training on a subset.
//
// AlexNet is LeNet made deep and wide: five convolutions (an 11×11 stride-4 one first), ReLU instead of sigmoid,
// max-pooling, and a 4096-wide classifier regularised with dropout. (The notes' AlexNet section repeats the LeNet code
// by mistake; this is the d2l network it refers to, nn.zoo.alexnet.)
//
//   npx tsx examples/alexnet.ts --quick    # the per-layer shapes only (see below)
//   npx tsx examples/alexnet.ts            # shapes, then d2l's settings (lr 0.01, batch 128, 224×224) on a subset:
//                                          # 1 epoch over the first 1024 training images, tested on 512
//   npx tsx examples/alexnet.ts --limit 60000 --epochs 10   # the notes' full run
//
// Why a subset: a training step costs about 6 GFLOPs per 224×224 image (forward and backward), so one epoch of 60000
// images is about a day for a 2-core CPU — the notes run it on a GPU. The quick run cannot shrink the images instead:
// the first dense layer expects exactly 256·5·5 = 6400 features, which only 224×224 inputs give, so quick mode stops
// after the shapes. Shapes and the parameter count are exactly PyTorch's (checked below); initialisation, dropout
// and shuffling use rivulet's keys, so losses differ from PyTorch's run.
import {
  nn, key, rand, fashionMnist, transforms, loader, type Dataset,
} from "../src/index.js";
import { expectListing, numberFlag, shapeListing, trainCh6 } from "./_d2l.js";

const quick = process.argv.includes("--quick");
const limit = numberFlag("limit", 1024);
const epochCount = numberFlag("epochs", 1, { integer: true });


// ---- the network ---------------------------------------------------------------------------------------------------------
// Conv2d(1, 96, 11, stride 4, padding 1), ReLU, MaxPool2d(3, 2), Conv2d(96, 256, 5, padding 2), ReLU, MaxPool2d(3, 2),
// Conv2d(256, 384, 3, padding 1), ReLU, Conv2d(384, 384, 3, padding 1), ReLU, Conv2d(384, 256, 3, padding 1), ReLU,
// MaxPool2d(3, 2), Flatten, Linear(6400, 4096), ReLU, Dropout(0.5), Linear(4096, 4096), ReLU, Dropout(0.5), Linear(4096, 10).
const net = nn.zoo.alexnet();
console.log(String(net));
const variables = net.init(key(0));
console.log("X = rand(1, 1, 224, 224):");
expectListing("AlexNet at 224×224", shapeListing(net, variables, rand(key(1), [1, 1, 224, 224])), [
  ["Conv2d", [1, 96, 54, 54]], ["ReLU", [1, 96, 54, 54]], ["MaxPool2d", [1, 96, 26, 26]],
  ["Conv2d", [1, 256, 26, 26]], ["ReLU", [1, 256, 26, 26]], ["MaxPool2d", [1, 256, 12, 12]],
  ["Conv2d", [1, 384, 12, 12]], ["ReLU", [1, 384, 12, 12]], ["Conv2d", [1, 384, 12, 12]], ["ReLU", [1, 384, 12, 12]],
  ["Conv2d", [1, 256, 12, 12]], ["ReLU", [1, 256, 12, 12]], ["MaxPool2d", [1, 256, 5, 5]], ["Flatten", [1, 6400]],
  ["Linear", [1, 4096]], ["ReLU", [1, 4096]], ["Dropout", [1, 4096]], ["Linear", [1, 4096]], ["ReLU", [1, 4096]], ["Dropout", [1, 4096]],
  ["Linear", [1, 10]],
]);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count.toLocaleString("en-US")}`);
if (count !== 46764746) throw new Error(`AlexNet has ${count} parameters, PyTorch's has 46764746`);

if (quick) {
  console.log("quick run: shapes only (AlexNet needs 224×224 inputs, too slow to train on a CPU in a smoke test)");
  process.exit(0);
}

// ---- 训练 (d2l.train_ch6: lr 0.01, batch 128, Fashion-MNIST resized to 224) — on a subset, see the header -----------------
const [lr, numEpochs, batchSize, size] = [0.01, epochCount, 128, 224];
const root = process.env.RIVULET_DATA ?? "data";
// d2l.load_data_fashion_mnist(batch_size, resize=224): Resize, then ToTensor.
const transform = transforms.compose([transforms.resize(size), transforms.toTensor()]);
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = firstN(await fashionMnist({ root, train: true, transform }), limit);
// Tested on the first 512 test images, or on all 10000 when training on the whole training set.
const testSet = firstN(await fashionMnist({ root, train: false, transform }), limit >= 60000 ? Infinity : 512);
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });
console.log(`note: ${trainIter.length * numEpochs} steps of AlexNet at ${size}×${size} on the CPU; this takes a long time (see the header).`);

// train_ch6's init_weights: Xavier-uniform weights for every Conv2d and Linear.
const params = nn.reinit(net, variables.params, key(2), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
await trainCh6({
  name: "AlexNet", net: net, params, train: trainIter, test: testIter, trainSamples: trainSet.length,
  size, batchSize, lr, numEpochs, quick, logEvery: 2,
});
