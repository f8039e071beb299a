// Curriculum section "NiN模型" (Network in Network): nin_blocks of a convolution and two 1×1 convolutions, and global average pooling instead of dense layers.
//
// A 1×1 convolution is a fully connected layer applied at every pixel, so a NiN block is a small MLP slid over the
// image. The last block has one channel per class and AdaptiveAvgPool2d((1, 1)) averages each to a logit: no Linear
// layers at all, hence 2M parameters instead of AlexNet's 47M.
//
//   npx tsx examples/nin.ts --quick          # shapes at 224×224, then one epoch of 3 steps on 24 images at 96×96
//   npx tsx examples/nin.ts                  # the notes' settings: lr 0.1, batch 128, 10 epochs at 224×224
//   npx tsx examples/nin.ts --limit 1024     # the same on the first 1024 training images
//
// The full run is the notes' GPU workload (about 1.5 GFLOPs per image forward at 224×224, so days for 10 epochs on a
// 2-core CPU). Shapes and the parameter count are exactly PyTorch's (checked below); initialisation, dropout and
// shuffling use rivulet's keys, so losses differ from PyTorch's run.
import {
  nn, key, rand, fashionMnist, transforms, loader, type Dataset,
} from "../src/index.js";
import { expectListing, numberFlag, shapeListing, trainCh6 } from "./_d2l.js";

const quick = process.argv.includes("--quick");
const limit = numberFlag("limit", Infinity);


// ---- nin_block ------------------------------------------------------------------------------------------------------------
// Conv2d(in, out, k, stride, padding), ReLU, Conv2d(out, out, 1), ReLU, Conv2d(out, out, 1), ReLU.
console.log(String(nn.zoo.ninBlock({ inChannels: 1, outChannels: 96, kernelSize: 11, stride: 4, padding: 0 })));

// ---- the network ---------------------------------------------------------------------------------------------------------
// nin_block(1, 96, 11, 4, 0), MaxPool2d(3, 2), nin_block(96, 256, 5, 1, 2), MaxPool2d(3, 2), nin_block(256, 384, 3, 1, 1),
// MaxPool2d(3, 2), Dropout(0.5), nin_block(384, 10, 3, 1, 1), AdaptiveAvgPool2d((1, 1)), Flatten.
const net = nn.zoo.nin();
const variables = net.init(key(0));
console.log("X = rand(1, 1, 224, 224):");
expectListing("NiN at 224×224", shapeListing(net, variables, rand(key(1), [1, 1, 224, 224])), [
  ["Sequential", [1, 96, 54, 54]], ["MaxPool2d", [1, 96, 26, 26]], ["Sequential", [1, 256, 26, 26]], ["MaxPool2d", [1, 256, 12, 12]],
  ["Sequential", [1, 384, 12, 12]], ["MaxPool2d", [1, 384, 5, 5]], ["Dropout", [1, 384, 5, 5]], ["Sequential", [1, 10, 5, 5]],
  ["AdaptiveAvgPool2d", [1, 10, 1, 1]], ["Flatten", [1, 10]],
]);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count.toLocaleString("en-US")}`);
if (count !== 1992166) throw new Error(`NiN has ${count} parameters, PyTorch's has 1992166`);

// ---- 训练 (d2l.train_ch6: lr 0.1, batch 128, 10 epochs, Fashion-MNIST resized to 224) -------------------------------------
// The quick run shrinks the images to 96×96: the smallest size the three 3×3/2 max-pools leave at least 1×1 is 67
// (PyTorch's shapes at 96: [1, 96, 22, 22] … [1, 384, 1, 1]); global average pooling takes any size.
const [lr, numEpochs, batchSize, size] = quick ? [0.1, 1, 8, 96] : [0.1, 10, 128, 224];
const root = process.env.RIVULET_DATA ?? "data";
// d2l.load_data_fashion_mnist(batch_size, resize=224): Resize, then ToTensor.
const transform = transforms.compose([transforms.resize(size), transforms.toTensor()]);
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = firstN(await fashionMnist({ root, train: true, transform }), quick ? 3 * batchSize : limit);
const testSet = firstN(await fashionMnist({ root, train: false, transform }), quick ? 2 * batchSize : Infinity);
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });
if (!quick) console.log(`note: ${trainIter.length * numEpochs} steps of NiN at ${size}×${size} on the CPU; this takes a long time (see the header).`);

// train_ch6's init_weights: Xavier-uniform conv weights (NiN has no Linear layers).
const params = nn.reinit(net, variables.params, key(2), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
await trainCh6({
  name: "NiN", net: net, params, train: trainIter, test: testIter, trainSamples: trainSet.length,
  size, batchSize, lr, numEpochs, quick, logEvery: 20,
});
