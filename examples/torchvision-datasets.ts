// Curriculum section "TorchVision中数据集的使用" (torchvision's datasets): CIFAR-10's train and test splits with a ToTensor transform, the first test sample, and ten test images in TensorBoard.
//
// Offline, a generated stand-in in CIFAR-10's own binary format is read through the same `cifar10` call (see _standIns.ts).
import { join } from "node:path";
import { cifar10, openSummaryWriter, transforms } from "../src/index.js";
import { cifar10Source } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

const quick = process.argv.includes("--quick");

// trans_dataset = Compose([ToTensor()]): applied to each image as it is read.
const transDataset = transforms.compose([transforms.toTensor()]);
const { root, download, standIn } = cifar10Source();
const trainSet = await cifar10({ root, train: true, transform: transDataset, download });
const testSet = await cifar10({ root, train: false, transform: transDataset, download });
console.log(`train_set: ${trainSet.length} images, test_set: ${testSet.length} images`);
console.log("classes:", trainSet.classes.join(", "));

// print(test_set[0]): an (image, target) pair — here a { input, target } record.
const { input: img0, target: target0 } = testSet.get(0);
console.log("test_set[0] = (" + String(img0).split("\n").slice(0, 3).join("\n") + " ...], target =", target0, ")");
console.log("image shape:", img0.shape, " class:", testSet.classes[target0]);
if (img0.shape.join() !== "3,32,32") throw new Error(`expected a [3, 32, 32] image, got [${img0.shape}]`);
// The real CIFAR-10 test set starts with a cat (3), as torchvision prints.
if (!standIn && target0 !== 3) throw new Error(`CIFAR-10's first test image is a cat (3), got ${target0}`);

// for i in range(10): writer.add_image("test_img", img, i)
const logdir = exampleDir("torchvision-datasets");
const writer = await openSummaryWriter(logdir);
for (let i = 0; i < (quick ? 3 : 10); i++) await writer.addImage("test_img", testSet.get(i).input, i);
await writer.close();
console.log(`view with: tensorboard --logdir ${logdir}`);
