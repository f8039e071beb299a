// Curriculum section "网络模型的使用及修改" (using and modifying a model): torchvision's VGG-16, printed like PyTorch; a layer appended to its classifier (add_module("add_linear")) and classifier[6] replaced.
//
// Models are values: "modifying" one with nn.setModule returns a new model and leaves the original as it was.
// nn.transferVariables then carries over the weights of every layer that did not change.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cifar10, key, loader, nn, transforms } from "../src/index.js";
import { cifar10Source, dataRoot } from "./_standIns.js";

// torchvision prints ReLU(inplace=True); rivulet has no in-place ops (tensors never change), so its ReLU prints ReLU().
const torchText = (s: string) => s.replaceAll("ReLU(inplace=True)", "ReLU()");
const expectText = (name: string, got: string, want: string) => {
  if (got !== torchText(want)) throw new Error(`${name} does not print as PyTorch does:\n${got}\n--- expected ---\n${torchText(want)}`);
};

// The notes load CIFAR-10's training split here, for the 10 classes the new head will predict.
const { root, download } = cifar10Source();
const dataset = await cifar10({ root, train: true, transform: transforms.toTensor(), download });
console.log(`CIFAR-10 train: ${dataset.length} images, ${dataset.classes.length} classes`);

// ---- vgg16(pretrained=False): the architecture (a description; no weights are made until init) -----------------------
const vgg16False = nn.zoo.vgg16();
console.log(String(vgg16False));

// ---- classifier.add_module("add_linear", Linear(1000, 10)): a new model with one more layer at the end ------------------
const vgg16Added = nn.setModule(vgg16False, "classifier.add_linear", nn.linear({ inFeatures: 1000, outFeatures: 10 }));
console.log(String(vgg16Added));
expectText("classifier after add_module", String(nn.getModule(vgg16Added, "classifier")), `Sequential(
  (0): Linear(in_features=25088, out_features=4096, bias=True)
  (1): ReLU(inplace=True)
  (2): Dropout(p=0.5, inplace=False)
  (3): Linear(in_features=4096, out_features=4096, bias=True)
  (4): ReLU(inplace=True)
  (5): Dropout(p=0.5, inplace=False)
  (6): Linear(in_features=4096, out_features=1000, bias=True)
  (add_linear): Linear(in_features=1000, out_features=10, bias=True)
)`);
// The original is unchanged: modifying built a new value.
if (nn.getModule(vgg16False, "classifier").children.length !== 7) throw new Error("setModule must not change the model it was given");

// ---- vgg16(pretrained=True): ImageNet weights from a local safetensors file, when there is one ------------------------
// (torchvision downloads vgg16-397923af.pth; convert it once with safetensors.torch.save_file(torch.load(p), "vgg16.safetensors").)
const weights = join(dataRoot(), "vgg16.safetensors");
let vgg16True = nn.zoo.vgg16();
if (existsSync(weights)) {
  const loaded = await nn.zoo.vgg16({ weights });
  vgg16True = loaded.model;
  console.log(`loaded pretrained weights from ${weights}`);
} else console.log(`[data] no ${weights}: the "pretrained" model below is the same architecture without ImageNet weights`);

// ---- classifier[6] = Linear(..., 10): replace the last layer ---------------------------------------------------------
// The notes write Linear(1000, 10) here, which prints but cannot run (the layer before it gives 4096 features); 4096 runs.
const vgg16Replaced = nn.setModule(vgg16True, "classifier.6", nn.linear({ inFeatures: 4096, outFeatures: 10 }));
console.log(String(vgg16Replaced));
expectText("classifier after classifier[6] = ...", String(nn.getModule(vgg16Replaced, "classifier")), `Sequential(
  (0): Linear(in_features=25088, out_features=4096, bias=True)
  (1): ReLU(inplace=True)
  (2): Dropout(p=0.5, inplace=False)
  (3): Linear(in_features=4096, out_features=4096, bias=True)
  (4): ReLU(inplace=True)
  (5): Dropout(p=0.5, inplace=False)
  (6): Linear(in_features=4096, out_features=10, bias=True)
)`);

// ---- Running it: the full VGG-16 has 138M parameters, so run the same surgery on a narrow copy (same names, 1/16 the channels) ----
const small = nn.zoo.vgg16({ width: 4, hiddenFeatures: 64 });
const smallVars = small.init(key(0));
const small10 = nn.setModule(small, "classifier.6", nn.linear({ inFeatures: 64, outFeatures: 10 }));
// Only the new layer gets fresh weights; every other tensor is carried over by name.
const small10Vars = nn.transferVariables(small, smallVars, small10, key(1));
const { input: imgs } = (await loader(dataset, { batchSize: 4 }).epoch(0)[Symbol.asyncIterator]().next()).value!;
const logits = small10.forward(small10Vars.params, imgs);
console.log(`narrow VGG-16 with a 10-class head: ${JSON.stringify(imgs.shape)} → ${JSON.stringify(logits.shape)}`);
if (logits.shape.join() !== "4,10") throw new Error(`expected [4, 10], got [${logits.shape}]`);
const before = nn.stateDict(small, smallVars);
const after = nn.stateDict(small10, small10Vars);
console.log(`classifier.6.weight: ${JSON.stringify(before["classifier.6.weight"]!.shape)} → ${JSON.stringify(after["classifier.6.weight"]!.shape)}`);
if (after["features.0.weight"] !== before["features.0.weight"]) throw new Error("the unchanged layers must keep their weights");
console.log(`the other ${Object.keys(after).length - 2} state_dict entries are carried over unchanged`);
