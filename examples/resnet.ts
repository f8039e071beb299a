// Curriculum section "ResNet" (残差网络): the Residual block, its shape checks, and d2l's ResNet-18 on Fashion-MNIST at 96×96.
//
// A residual block adds its input to what two 3×3 convolutions (with BatchNorm) make of it, so each block only has
// to learn a correction; a 1×1 convolution on the shortcut matches channels and stride when they change.
//
//   npx tsx examples/resnet.ts --quick              # shapes, then one epoch of 2 steps on 16 images at 32×32
//   npx tsx examples/resnet.ts                      # the notes' settings: lr 0.05, batch 256, 10 epochs at 96×96
//   npx tsx examples/resnet.ts --limit 2048         # the same on the first 2048 training images
//
// The full run is the notes' GPU workload: ResNet-18 at 96×96 costs about 0.6 GFLOPs per image forward, so 10
// epochs of 60000 images are days of work for a 2-core CPU. Shapes and parameter counts are exactly PyTorch's and
// are checked below; initialisation and shuffling use rivulet's keys, so losses differ from PyTorch's run.
import {
  nn, key, rand, fashionMnist, transforms, loader, type Dataset,
} from "../src/index.js";
import { expectListing, numberFlag, shapeListing, trainCh6 } from "./_d2l.js";

const quick = process.argv.includes("--quick");
const limit = numberFlag("limit", Infinity);


// ---- 残差块 (the Residual block) -------------------------------------------------------------------------------------
// Same channels, stride 1: the output has the input's shape, so X can be added directly.
const X = rand(key(1), [4, 3, 6, 6]);
const blk = nn.zoo.residual({ inputChannels: 3, numChannels: 3 });
const Y = blk.apply(blk.init(key(2)), X, { training: true }).output;
console.log("Residual(3, 3):", Y.shape);
// More channels and stride 2: conv3 (1×1, stride 2) reshapes the shortcut; height and width halve.
const blk2 = nn.zoo.residual({ inputChannels: 3, numChannels: 6, use1x1conv: true, strides: 2 });
const Y2 = blk2.apply(blk2.init(key(3)), X, { training: true }).output;
console.log("Residual(3, 6, use_1x1conv=True, strides=2):", Y2.shape);
if (Y.shape.join() !== "4,3,6,6" || Y2.shape.join() !== "4,6,3,3") throw new Error(`Residual shapes ${Y.shape} and ${Y2.shape}, PyTorch gives [4, 3, 6, 6] and [4, 6, 3, 3]`);
console.log(String(blk2));

// ---- ResNet-18 ----------------------------------------------------------------------------------------------------------
// b1: Conv2d(1, 64, 7, stride 2, padding 3), BatchNorm2d, ReLU, MaxPool2d(3, 2, 1); b2…b5: resnet_block(64, 64, 2,
// first_block=True), (64, 128, 2), (128, 256, 2), (256, 512, 2); then AdaptiveAvgPool2d((1, 1)), Flatten, Linear(512, 10).
// nn.zoo.resnetBlock(in, out, n, firstBlock) returns d2l's list of Residuals; d2lResnet18 puts them in Sequentials.
const net = nn.zoo.d2lResnet18();
const variables = net.init(key(0));
console.log("X = rand(1, 1, 96, 96):");
expectListing("ResNet-18 at 96×96", shapeListing(net, variables, rand(key(4), [1, 1, 96, 96])), [
  ["Sequential", [1, 64, 24, 24]], ["Sequential", [1, 64, 24, 24]], ["Sequential", [1, 128, 12, 12]], ["Sequential", [1, 256, 6, 6]],
  ["Sequential", [1, 512, 3, 3]], ["AdaptiveAvgPool2d", [1, 512, 1, 1]], ["Flatten", [1, 512]], ["Linear", [1, 10]],
]);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count.toLocaleString("en-US")}`);
if (count !== 11178378) throw new Error(`ResNet-18 has ${count} parameters, PyTorch's has 11178378`);

// ---- 训练 (d2l.train_ch6: lr 0.05, batch 256, 10 epochs, Fashion-MNIST resized to 96) -----------------------------------
// The quick run keeps the pipeline and shrinks everything: 32×32 images (global average pooling makes the network
// size-agnostic), batches of 8, 2 steps, a 16-image test set. On batches this small the first losses jump up
// (PyTorch's do too on the first 24 images: 3.8, 10.8, 19.9 with seed 0); it shows the pipeline runs, not convergence.
const [lr, numEpochs, batchSize, size] = quick ? [0.05, 1, 8, 32] : [0.05, 10, 256, 96];
const root = process.env.RIVULET_DATA ?? "data";
// d2l.load_data_fashion_mnist(batch_size, resize=96): Resize, then ToTensor.
const transform = transforms.compose([transforms.resize(size), transforms.toTensor()]);
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = firstN(await fashionMnist({ root, train: true, transform }), quick ? 2 * batchSize : limit);
const testSet = firstN(await fashionMnist({ root, train: false, transform }), quick ? 2 * batchSize : Infinity);
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });
if (!quick) console.log(`note: ${trainIter.length * numEpochs} steps of ResNet-18 at ${size}×${size} on the CPU; this takes a long time (see the header).`);

const params = nn.reinit(net, variables.params, key(5), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
await trainCh6({
  name: "ResNet-18", net: net, params, modelState: variables.state, train: trainIter, test: testIter, trainSamples: trainSet.length,
  size, batchSize, lr, numEpochs, quick, logEvery: 20,
});
