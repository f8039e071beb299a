// Curriculum section "GoogLeNet": Inception blocks (four parallel paths concatenated on channels) in five stages, on Fashion-MNIST at 96×96.
//
// An Inception block looks at the same input through a 1×1, a 3×3 and a 5×5 convolution and a 3×3 max-pool side by
// side (the 1×1 convolutions in front cut the channels, and so the cost) and concatenates what they see.
//
//   npx tsx examples/googlenet.ts --quick        # shapes at 96×96, then one epoch of 3 steps on 24 images at 32×32
//   npx tsx examples/googlenet.ts                # the notes' settings: lr 0.1, batch 128, 10 epochs at 96×96
//   npx tsx examples/googlenet.ts --limit 1024   # the same on the first 1024 training images
//
// The full run is the notes' GPU workload (about 0.55 GFLOPs per image forward at 96×96, so days for 10 epochs on a
// 2-core CPU). Shapes and the parameter count are exactly PyTorch's (checked below); initialisation and shuffling use
// rivulet's keys, so losses differ from PyTorch's run.
import {
  nn, key, rand, fashionMnist, transforms, loader, type Dataset,
} from "../src/index.js";
import { expectListing, numberFlag, shapeListing, trainCh6 } from "./_d2l.js";

const quick = process.argv.includes("--quick");
const limit = numberFlag("limit", Infinity);


// ---- Inception ----------------------------------------------------------------------------------------------------------
// Inception(192, 64, (96, 128), (16, 32), 32): children p1_1, p2_1, p2_2, p3_1, p3_2, p4_1 (the max-pool), p4_2 as in
// d2l's class; the forward concatenates relu(p1_1(x)), relu(p2_2(relu(p2_1(x)))), relu(p3_2(relu(p3_1(x)))) and
// relu(p4_2(p4_1(x))) along the channel axis: 64 + 128 + 32 + 32 = 256 channels.
const block = nn.zoo.inception({ inChannels: 192, c1: 64, c2: [96, 128], c3: [16, 32], c4: 32 });
console.log(String(block));
const blockOut = block.forward(block.init(key(3)).params, rand(key(4), [2, 192, 12, 12]));
console.log("Inception(192, ...) on [2, 192, 12, 12]:", blockOut.shape);
if (blockOut.shape.join() !== "2,256,12,12") throw new Error(`Inception output ${blockOut.shape}, PyTorch gives [2, 256, 12, 12]`);

// ---- GoogLeNet -----------------------------------------------------------------------------------------------------------
// b1: Conv2d(1, 64, 7, 2, 3), ReLU, MaxPool2d(3, 2, 1); b2: Conv2d(64, 64, 1), ReLU, Conv2d(64, 192, 3, padding 1), ReLU,
// MaxPool2d(3, 2, 1); b3: two Inceptions (256 and 480 channels out) and a max-pool; b4: five Inceptions (512, 512, 512,
// 528, 832) and a max-pool; b5: two Inceptions (832, 1024), AdaptiveAvgPool2d((1, 1)), Flatten; then Linear(1024, 10).
const net = nn.zoo.googlenet();
const variables = net.init(key(0));
console.log("X = rand(1, 1, 96, 96):");
expectListing("GoogLeNet at 96×96", shapeListing(net, variables, rand(key(1), [1, 1, 96, 96])), [
  ["Sequential", [1, 64, 24, 24]], ["Sequential", [1, 192, 12, 12]], ["Sequential", [1, 480, 6, 6]], ["Sequential", [1, 832, 3, 3]],
  ["Sequential", [1, 1024]], ["Linear", [1, 10]],
]);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count.toLocaleString("en-US")}`);
if (count !== 5977530) throw new Error(`GoogLeNet has ${count} parameters, PyTorch's has 5977530`);

// ---- 训练 (d2l.train_ch6: lr 0.1, batch 128, 10 epochs, Fashion-MNIST resized to 96) --------------------------------------
// The quick run shrinks the images to 32×32 (the five stride-2 stages leave 1×1 before the global average pooling).
const [lr, numEpochs, batchSize, size] = quick ? [0.1, 1, 8, 32] : [0.1, 10, 128, 96];
const root = process.env.RIVULET_DATA ?? "data";
// d2l.load_data_fashion_mnist(batch_size, resize=96): Resize, then ToTensor.
const transform = transforms.compose([transforms.resize(size), transforms.toTensor()]);
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = firstN(await fashionMnist({ root, train: true, transform }), quick ? 3 * batchSize : limit);
const testSet = firstN(await fashionMnist({ root, train: false, transform }), quick ? 2 * batchSize : Infinity);
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });
if (!quick) console.log(`note: ${trainIter.length * numEpochs} steps of GoogLeNet at ${size}×${size} on the CPU; this takes a long time (see the header).`);

// train_ch6's init_weights: Xavier-uniform weights for every Conv2d and Linear (inside the Inception blocks too).
const params = nn.reinit(net, variables.params, key(2), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
await trainCh6({
  name: "GoogLeNet", net: net, params, train: trainIter, test: testIter, trainSamples: trainSet.length,
  size, batchSize, lr, numEpochs, quick, logEvery: 20,
});
