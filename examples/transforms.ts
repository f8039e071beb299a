// Curriculum section "Transforms的使用" (using transforms): ToTensor, Normalize, Resize, Compose and RandomCrop on a photo, logged to TensorBoard.
//
// A transform is a pure function of one sample (and, for random ones, an RNG key): the toolbox of torchvision.transforms
// without the classes. The numbers printed follow from torchvision's definitions and are checked below.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { foldIn, key, openSummaryWriter, readImage, transforms, type Image, type Tensor } from "../src/index.js";
import { hymenopteraRoot } from "./_standIns.js";

const quick = process.argv.includes("--quick");
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`transforms example: ${what}`);
};
// print(img) of a PIL image: its mode and size (width × height).
const describe = (img: Image) => `<Image mode=${img.channels === 3 ? "RGB" : img.channels === 4 ? "RGBA" : "L"} size=${img.width}x${img.height}>`;
// img_tensor[0][0][0]: channel 0, row 0, column 0.
const first = (t: Tensor) => t.select(0, 0).select(0, 0).select(0, 0);

const logdir = mkdtempSync(join(tmpdir(), "rivulet-logs-"));
const writer = await openSummaryWriter(logdir);
const img = await readImage(join(hymenopteraRoot(), "train", "bees", "39747887_42df2855ee.jpg"));

// ---- ToTensor: HWC bytes → CHW float32 in [0, 1] ------------------------------------------------------------
const tensorTrans = transforms.toTensor();
const tensorImg = tensorTrans(img);
console.log("ToTensor:", tensorImg.shape, tensorImg.dtype); // [3, H, W] float32
check(tensorImg.shape.join() === `3,${img.height},${img.width}`, `ToTensor shape ${tensorImg.shape}`);
await writer.addImage("tensor_img", tensorImg);

// ---- Normalize: output[c] = (input[c] - mean[c]) / std[c] ----------------------------------------------------
console.log("img_tensor[0][0][0] =", String(first(tensorImg)));
const transNorm = transforms.normalize({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
const imgNorm = transNorm(tensorImg);
console.log("img_norm[0][0][0]   =", String(first(imgNorm)));
// With mean 0.5 and std 0.5 every value x becomes 2x − 1: [0, 1] maps onto [−1, 1].
const x0 = first(tensorImg).item();
check(Math.abs(first(imgNorm).item() - (2 * x0 - 1)) < 1e-6, `Normalize gave ${first(imgNorm).item()} for ${x0}, expected ${2 * x0 - 1}`);
check(x0 === Math.fround(img.data[0]! / 255), "ToTensor divides the first byte by 255 (in float32)");
await writer.addImage("Normalize", imgNorm); // values outside [0, 1] are clamped for display

// ---- Resize((512, 512)): a fixed size, on the image itself (PIL's path) --------------------------------------
console.log("img:", describe(img));
const transResize = transforms.resize([512, 512]);
const imgResize = transResize(img);
console.log("img_resize:", describe(imgResize));
check(imgResize.height === 512 && imgResize.width === 512, "Resize((512, 512)) makes 512×512");
await writer.addImage("Resize", tensorTrans(imgResize), 0);

// ---- Compose([Resize(400), ToTensor()]): one number resizes the shorter side, keeping the aspect ratio ---------
const transResize2 = transforms.resize(400);
const resized2 = transResize2(img);
console.log("Resize(400):", describe(resized2));
// torchvision truncates the longer side: int(400 · long / short).
const [short, long] = img.height <= img.width ? [img.height, img.width] : [img.width, img.height];
const expectedLong = Math.trunc((400 * long) / short);
check(Math.min(resized2.height, resized2.width) === 400 && Math.max(resized2.height, resized2.width) === expectedLong, `Resize(400) gave ${describe(resized2)}`);
const transCompose = transforms.compose([transResize2, tensorTrans]);
const imgResize2 = transCompose(img);
console.log("Compose([Resize(400), ToTensor()]):", imgResize2.shape);
await writer.addImage("Resize", imgResize2, 1);

// ---- RandomCrop: a different crop each time; the key decides which, so a run is reproducible ---------------------
// (torchvision draws from torch's global generator; rivulet's keys give other crops, chosen the same way.)
const cropSize = Math.min(32, img.height, img.width);
const transRandom = transforms.compose([transforms.randomCrop(cropSize), tensorTrans]);
const k = key(0);
for (let i = 0; i < (quick ? 3 : 10); i++) {
  const crop = transRandom(img, foldIn(k, i));
  await writer.addImage("RandomCrop", crop, i);
  if (i === 0) console.log(`RandomCrop(${cropSize}):`, crop.shape);
}
check(String(transRandom(img, foldIn(k, 0))) === String(transRandom(img, foldIn(k, 0))), "the same key gives the same crop");

await writer.close();
console.log(`view with: tensorboard --logdir ${logdir}`);
