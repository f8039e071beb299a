// Where the examples find CIFAR-10 and hymenoptera_data, and the small generated stand-ins (same file formats) used when they are absent.
//
// The curriculum downloads CIFAR-10 and copies the ants/bees photos by hand. Offline (as in CI) neither exists, so
// this file writes look-alikes in exactly the real formats — CIFAR-10's binary batches, a folder of JPEG files laid
// out like hymenoptera_data — and the examples read them through the real `cifar10({ root })` and
// `imageFolder(root)` calls. Set RIVULET_DATA to a folder holding the real data (default `data/`), or pass
// `--download` to let `cifar10` fetch it.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { CIFAR10_CLASSES } from "../src/index.js";

/** Where the real data would be: $RIVULET_DATA, else `data/` in the working directory. */
export const dataRoot = (): string => process.env["RIVULET_DATA"] ?? "data";

/** What to pass to `cifar10(...)`: the root, whether to download, and whether it is the stand-in. */
export interface CifarSource {
  readonly root: string;
  readonly download: boolean;
  readonly standIn: boolean;
}

/** A temporary folder removed when the process exits (stand-ins are cheap to write again; logs are kept). */
const scratch = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

// A small deterministic generator (mulberry32), so the stand-in is the same bytes on every run.
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// One colour per class, far apart, so a small network can learn the stand-in in an epoch or two.
const PALETTE: readonly (readonly [number, number, number])[] = [
  [200, 60, 60], [60, 200, 60], [60, 60, 200], [200, 200, 60], [200, 60, 200],
  [60, 200, 200], [230, 140, 40], [120, 70, 30], [150, 150, 150], [30, 30, 30],
];

/** An H×W RGB picture of `cls`: the class colour, a diagonal gradient whose direction depends on the class, and noise (HWC bytes). */
export const standInPixels = (cls: number, height: number, width: number, seed: number): Uint8Array => {
  const rand = prng(seed);
  const [r, g, b] = PALETTE[cls % PALETTE.length]!;
  const out = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const t = cls % 2 === 0 ? (x + y) / (height + width) : (x + height - y) / (height + width);
      const shade = 0.7 + 0.5 * t;
      [r, g, b].forEach((c, ch) => {
        out[(y * width + x) * 3 + ch] = Math.max(0, Math.min(255, Math.round(c * shade + (rand() - 0.5) * 60)));
      });
    }
  return out;
};

/** Writes a CIFAR-10 look-alike (binary version: 1 label byte + 3072 CHW pixel bytes per record) under a temp root. */
const writeCifarStandIn = (perTrainBatch: number, testCount: number): string => {
  const root = scratch("rivulet-cifar10-standin-");
  const dir = join(root, "cifar-10-batches-bin");
  mkdirSync(dir);
  const batch = (n: number, seed: number): Uint8Array => {
    const bytes = new Uint8Array(n * 3073);
    for (let i = 0; i < n; i++) {
      const cls = (i * 7 + seed) % 10;
      const hwc = standInPixels(cls, 32, 32, seed * 100_003 + i);
      bytes[i * 3073] = cls;
      // HWC → CHW, the order CIFAR stores.
      for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) bytes[i * 3073 + 1 + c * 1024 + p] = hwc[p * 3 + c]!;
    }
    return bytes;
  };
  for (let k = 1; k <= 5; k++) writeFileSync(join(dir, `data_batch_${k}.bin`), batch(perTrainBatch, k));
  writeFileSync(join(dir, "test_batch.bin"), batch(testCount, 6));
  writeFileSync(join(dir, "batches.meta.txt"), CIFAR10_CLASSES.join("\n") + "\n");
  return root;
};

let cifarStandIn: string | undefined;

/**
 * The CIFAR-10 to read: the real one under dataRoot() when present (or to be downloaded with `--download`), otherwise
 * a stand-in of 5 × 200 training and 500 test images, announced in one printed line.
 */
export const cifar10Source = (): CifarSource => {
  const root = dataRoot();
  if (existsSync(join(root, "cifar-10-batches-bin", "test_batch.bin")) || existsSync(join(root, "test_batch.bin")))
    return { root, download: false, standIn: false };
  if (process.argv.includes("--download")) return { root, download: true, standIn: false };
  if (cifarStandIn === undefined) {
    cifarStandIn = writeCifarStandIn(200, 500);
    console.log(
      `[data] CIFAR-10 is not under ${join(root, "cifar-10-batches-bin")} (set RIVULET_DATA, or pass --download): ` +
        `using a generated stand-in in the same binary format at ${cifarStandIn} (1000 train / 500 test images)`,
    );
  }
  return { root: cifarStandIn, download: false, standIn: true };
};

/** Writes one JPEG of `cls`'s stand-in picture. */
const writeJpeg = (path: string, cls: number, height: number, width: number, seed: number): void => {
  const rgb = standInPixels(cls, height, width, seed);
  const rgba = new Uint8Array(height * width * 4);
  for (let p = 0; p < height * width; p++) rgba.set([rgb[3 * p]!, rgb[3 * p + 1]!, rgb[3 * p + 2]!, 255], 4 * p);
  writeFileSync(path, jpeg.encode({ data: rgba, width, height }, 90).data);
};

let hymenopteraStandIn: string | undefined;

/**
 * The ants/bees folder (`hymenoptera_data` with train/ and val/, one folder per class): the real one under dataRoot()
 * when present, otherwise a stand-in of small generated JPEGs with the notes' file names first, announced in one line.
 */
export const hymenopteraRoot = (): string => {
  const real = join(dataRoot(), "hymenoptera_data");
  if (existsSync(join(real, "train", "ants"))) return real;
  if (hymenopteraStandIn === undefined) {
    hymenopteraStandIn = join(scratch("rivulet-hymenoptera-standin-"), "hymenoptera_data");
    // The two photos the notes open, then a few more per class; sizes vary like real photos (and are not square).
    const names: Record<string, string[]> = {
      ants: ["0013035.jpg", "5650366_e22b7e1065.jpg", "6240329_72c01e663e.jpg"],
      bees: ["16838648_415acd9e3f.jpg", "39747887_42df2855ee.jpg", "90179376_abc234e5f4.jpg"],
    };
    for (const split of ["train", "val"])
      Object.entries(names).forEach(([cls, files], c) => {
        mkdirSync(join(hymenopteraStandIn!, split, cls), { recursive: true });
        files.forEach((f, i) => writeJpeg(join(hymenopteraStandIn!, split, cls, f), c === 0 ? 6 : 3, 60 + 8 * i, 80 + 12 * i, 31 * i + c));
      });
    console.log(`[data] hymenoptera_data is not under ${dataRoot()} (set RIVULET_DATA): using generated ants/bees JPEGs at ${hymenopteraStandIn}`);
  }
  return hymenopteraStandIn;
};

/** Writes stand-in photos of the given CIFAR-10 classes (e.g. "cat", "dog", "airplane") as `<name>.jpg` files; returns their paths. */
export const standInPhotos = (names: readonly string[], { height = 48, width = 64 } = {}): string[] => {
  const dir = scratch("rivulet-photos-");
  return names.map((name, i) => {
    const cls = CIFAR10_CLASSES.indexOf(name);
    if (cls < 0) throw new Error(`standInPhotos: ${JSON.stringify(name)} is not a CIFAR-10 class (${CIFAR10_CLASSES.join(", ")})`);
    const path = join(dir, `${name}.jpg`);
    writeJpeg(path, cls, height, width, 1000 + i);
    return path;
  });
};
