// Curriculum section "TensorBoard的使用" (using TensorBoard): a SummaryWriter, add_scalar for y = 4x over 100 steps, and add_image of a photo in HWC layout.
//
//   npx tsx examples/tensorboard-basics.ts     then: tensorboard --logdir <the printed folder>
//
// The writer produces the same event files as torch.utils.tensorboard, so TensorBoard shows them as it shows a PyTorch run.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { openSummaryWriter, readImage, tensor } from "../src/index.js";
import { hymenopteraRoot } from "./_standIns.js";
import { exampleDir } from "./_exampleDir.js";

// writer = SummaryWriter("logs"): logs go to a fresh folder outside the repository.
const logdir = exampleDir("tensorboard-basics");
const writer = await openSummaryWriter(logdir);

// img_PIL = Image.open(...); img_array = np.array(img_PIL): readImage gives an RGB raster, height × width × channels bytes.
const imgPath = join(hymenopteraRoot(), "train", "ants", "0013035.jpg");
const img = await readImage(imgPath);
console.log(`${imgPath}: ${img.width}×${img.height}, ${img.channels} channels`);
const imgArray = tensor(img.data, { shape: [img.height, img.width, img.channels], dtype: "int32" }); // numpy's (H, W, C) uint8 array
console.log("img_array shape:", imgArray.shape); // [H, W, 3]

// add_image takes CHW by default; a numpy-style array is HWC, so say so (int32 values are read as 0–255 bytes).
await writer.addImage("test", imgArray, 1, { dataFormats: "HWC" });

// y = 4x as a scalar curve over steps 0..99.
for (let i = 0; i < 100; i++) await writer.addScalar("y=4x", 4 * i, i);

await writer.close();
const files = readdirSync(logdir);
if (!files.some((f) => f.startsWith("events.out.tfevents."))) throw new Error(`expected an event file in ${logdir}, found ${files.join(", ")}`);
console.log(`wrote ${files.join(", ")}\nview with: tensorboard --logdir ${logdir}`);
