// Curriculum section "VGG": networks built from repeated blocks (vgg_block), d2l's VGG-11 and the notes' narrower copy on Fashion-MNIST.
//
// A VGG block is a few 3×3 convolutions (padding 1, so the size is kept) followed by a 2×2 max-pool that halves it;
// conv_arch lists (number of convolutions, output channels) per block. Five blocks take 224×224 to 7×7, and three
// dense layers of 4096 make the classifier. The notes divide every block's channels by ratio = 4 to train faster.
//
//   npx tsx examples/vgg.ts --quick        # shapes of the notes' small VGG-11 at 224×224, then 3 training steps of a
//                                          # two-block VGG on 28×28 images (the same vgg(conv_arch) construction)
//   npx tsx examples/vgg.ts                # VGG-11's shapes, then the notes' settings: ratio 4, lr 0.05, batch 128,
//                                          # 10 epochs at 224×224
//   npx tsx examples/vgg.ts --limit 1024   # the same on the first 1024 training images
//
// The full run is the notes' GPU workload: even the small VGG costs about 1 GFLOP per image forward at 224×224 and
// has 43M parameters, so 10 epochs of 60000 images are days of work for a 2-core CPU. Shapes and parameter counts are
// exactly PyTorch's (checked below); initialisation, dropout and shuffling use rivulet's keys, so losses differ.
import {
  nn, key, rand, fashionMnist, transforms, loader, type Dataset,
} from "../src/index.js";
import { expectListing, numberFlag, shapeListing, trainCh6 } from "./_d2l.js";

const quick = process.argv.includes("--quick");
const limit = numberFlag("limit", Infinity);


// ---- vgg_block ------------------------------------------------------------------------------------------------------------
// vgg_block(num_convs, in_channels, out_channels): num_convs × (Conv2d 3×3 padding 1, ReLU), then MaxPool2d(2, 2).
console.log(String(nn.zoo.vggBlock({ numConvs: 2, inChannels: 64, outChannels: 128 })));

// ---- VGG-11 ------------------------------------------------------------------------------------------------------------------
// conv_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)); vgg(conv_arch) = the blocks, Flatten,
// Linear(c·7·7, 4096), ReLU, Dropout(0.5), Linear(4096, 4096), ReLU, Dropout(0.5), Linear(4096, 10).
console.log("conv_arch =", JSON.stringify(nn.zoo.VGG11_ARCH));
const denseHead: [string, number[]][] = [
  ["Linear", [1, 4096]], ["ReLU", [1, 4096]], ["Dropout", [1, 4096]], ["Linear", [1, 4096]], ["ReLU", [1, 4096]], ["Dropout", [1, 4096]], ["Linear", [1, 10]],
];
if (!quick) {
  // The full-width VGG-11 has 129M parameters: drawing them alone takes a while on a CPU, so only the full run shows it.
  const full = nn.zoo.d2lVgg();
  const fullVars = full.init(key(0));
  console.log("net = vgg(conv_arch); X = rand(1, 1, 224, 224):");
  expectListing("VGG-11 at 224×224", shapeListing(full, fullVars, rand(key(1), [1, 1, 224, 224])), [
    ["Sequential", [1, 64, 112, 112]], ["Sequential", [1, 128, 56, 56]], ["Sequential", [1, 256, 28, 28]], ["Sequential", [1, 512, 14, 14]],
    ["Sequential", [1, 512, 7, 7]], ["Flatten", [1, 25088]], ...denseHead,
  ]);
  const fullCount = nn.parameterCount(fullVars.params);
  console.log(`parameters: ${fullCount.toLocaleString("en-US")}`);
  if (fullCount !== 128806154) throw new Error(`VGG-11 has ${fullCount} parameters, PyTorch's has 128806154`);
}

// ratio = 4; small_conv_arch = [(pair[0], pair[1] // ratio) for pair in conv_arch]; net = vgg(small_conv_arch)
const ratio = 4;
const net = nn.zoo.d2lVgg({ ratio });
const variables = net.init(key(2));
console.log(`net = vgg(small_conv_arch) with ratio ${ratio}; X = rand(1, 1, 224, 224):`);
expectListing("small VGG-11 at 224×224", shapeListing(net, variables, rand(key(3), [1, 1, 224, 224])), [
  ["Sequential", [1, 16, 112, 112]], ["Sequential", [1, 32, 56, 56]], ["Sequential", [1, 64, 28, 28]], ["Sequential", [1, 128, 14, 14]],
  ["Sequential", [1, 128, 7, 7]], ["Flatten", [1, 6272]], ...denseHead,
]);
const count = nn.parameterCount(variables.params);
console.log(`parameters: ${count.toLocaleString("en-US")}`);
if (count !== 43093322) throw new Error(`the small VGG-11 has ${count} parameters, PyTorch's has 43093322`);

// ---- 训练 (d2l.train_ch6: lr 0.05, batch 128, 10 epochs, Fashion-MNIST resized to 224) ------------------------------------
// The classifier expects c·7·7 features, i.e. five halvings of 224. The quick run keeps the construction but uses
// two blocks, (1, 64) and (1, 128) divided by the ratio, on the original 28×28 images: 28 / 2 / 2 = 7 again.
const [lr, numEpochs, batchSize, size] = quick ? [0.05, 1, 8, 28] : [0.05, 10, 128, 224];
const model = quick ? nn.zoo.d2lVgg({ convArch: nn.zoo.VGG11_ARCH.slice(0, 2), ratio }) : net;
const root = process.env.RIVULET_DATA ?? "data";
// d2l.load_data_fashion_mnist(batch_size, resize=224): Resize, then ToTensor (resize(28) leaves 28×28 images unchanged).
const transform = transforms.compose([transforms.resize(size), transforms.toTensor()]);
const firstN = <T>(ds: Dataset<T>, n: number): Dataset<T> => ({ length: Math.min(n, ds.length), get: (i) => ds.get(i) });
const trainSet = firstN(await fashionMnist({ root, train: true, transform }), quick ? 3 * batchSize : limit);
const testSet = firstN(await fashionMnist({ root, train: false, transform }), quick ? 2 * batchSize : Infinity);
const trainIter = loader(trainSet, { batchSize, shuffle: true, seed: 0 });
const testIter = loader(testSet, { batchSize });
if (!quick) console.log(`note: ${trainIter.length * numEpochs} steps of VGG at ${size}×${size} on the CPU; this takes a long time (see the header).`);

// train_ch6's init_weights: Xavier-uniform weights for every Conv2d and Linear.
const params = nn.reinit(model, quick ? model.init(key(4)).params : variables.params, key(2), { weight: nn.init.xavierUniform() }, { kinds: ["Linear", "Conv2d"] });
if (quick) console.log(String(model));
await trainCh6({
  name: "VGG", net: model, params, train: trainIter, test: testIter, trainSamples: trainSet.length,
  size, batchSize, lr, numEpochs, quick, logEvery: 20,
});
