// torchvision.datasets.CIFAR10 / CIFAR100, read from (and downloaded as) the binary version (cifar-10-batches-bin, cifar-100-binary).
import { Effect } from "effect";
import { fsCall, type FileSystemError } from "../../io/FileSystemError.js";
import { writeFileAtomic } from "../../io/writeFileAtomic.js";
import type { Dataset, Sample } from "../Dataset.js";
import type { Image } from "../Image.js";
import { CorruptDataset } from "./CorruptDataset.js";
import { datasetNotFound, type DatasetNotFound } from "./DatasetNotFound.js";
import { CIFAR_SIDE, decodeCifar, type CifarRecords } from "./decodeCifar.js";
import { decodeFile, firstFile, readDatasetFile } from "./_datasetFiles.js";
import { prepareFolder } from "../../io/prepareFolder.js";
import { decodeTar } from "./decodeTar.js";
import { downloadUrl } from "./downloadUrl.js";
import type { DownloadError } from "./DownloadError.js";

/** CIFAR-10's class names, as in its batches.meta.txt and torchvision. */
export const CIFAR10_CLASSES: readonly string[] = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

/** CIFAR-100's fine (100) class names, as in fine_label_names.txt. */
export const CIFAR100_CLASSES: readonly string[] = (
  "apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle caterpillar " +
  "cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster " +
  "house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree " +
  "orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy porcupine possum rabbit raccoon ray road rocket rose " +
  "sea seal shark shrew skunk skyscraper snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone " +
  "television tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm"
).split(" ");

/** CIFAR-100's coarse (20) superclass names, as in coarse_label_names.txt. */
export const CIFAR100_COARSE_CLASSES: readonly string[] = (
  "aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices household_furniture insects " +
  "large_carnivores large_man-made_outdoor_things large_natural_outdoor_scenes large_omnivores_and_herbivores medium_mammals " +
  "non-insect_invertebrates people reptiles small_mammals trees vehicles_1 vehicles_2"
).split(" ");

export interface CifarOptions<X = Image, Y = number> {
  /** Folder holding `cifar-10-batches-bin/` (or `cifar-100-binary/`), or that folder itself. */
  readonly root: string;
  /** The 50000-image training split (true) or the 10000-image test split (false). */
  readonly train?: boolean;
  /** Fetch `<url>` into root, verify its MD5, and extract it, when the files are missing (torchvision's download=True). */
  readonly download?: boolean;
  /** Overrides the archive's URL (the binary version on the CIFAR page by default). */
  readonly url?: string;
  /** Overrides the archive's expected MD5. */
  readonly md5?: string;
  /** Applied to each image (an RGB Image, HWC) in `get`. */
  readonly transform?: (image: Image) => X;
  /** Applied to each label in `get`. */
  readonly targetTransform?: (target: number) => Y;
}

/** A CIFAR split decoded into memory; `get` converts one image to HWC and applies the transforms. */
export interface CifarDataset<X = Image, Y = number> extends Dataset<Sample<X, Y>> {
  readonly classes: readonly string[];
  readonly classToIdx: Readonly<Record<string, number>>;
  /** All images, [length, 3, 32, 32] uint8 as stored (CHW); treat as read-only. */
  readonly data: Uint8Array;
  /** The labels `get` returns (CIFAR-100: fine labels); treat as read-only. */
  readonly targets: Uint8Array;
  /** CIFAR-100 only: the coarse (superclass) labels and their names. */
  readonly coarseTargets?: Uint8Array;
  readonly coarseClasses?: readonly string[];
  get(index: number): Sample<X, Y>;
}

export type CifarError = DatasetNotFound | CorruptDataset | DownloadError | FileSystemError;

interface CifarSpec {
  readonly name: string;
  readonly folder: string;
  readonly trainFiles: readonly string[];
  readonly testFiles: readonly string[];
  readonly labelBytes: 1 | 2;
  /** Class-name files and fallbacks, one per label byte. */
  readonly names: readonly { readonly file: string; readonly known: readonly string[] }[];
  readonly url: string;
  readonly md5: string;
}

const CIFAR10: CifarSpec = {
  name: "CIFAR-10",
  folder: "cifar-10-batches-bin",
  trainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  testFiles: ["test_batch.bin"],
  labelBytes: 1,
  names: [{ file: "batches.meta.txt", known: CIFAR10_CLASSES }],
  url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  md5: "c32a1d4ab5d03f1284b67883e8d87530",
};

const CIFAR100: CifarSpec = {
  name: "CIFAR-100",
  folder: "cifar-100-binary",
  trainFiles: ["train.bin"],
  testFiles: ["test.bin"],
  labelBytes: 2,
  names: [
    { file: "coarse_label_names.txt", known: CIFAR100_COARSE_CLASSES },
    { file: "fine_label_names.txt", known: CIFAR100_CLASSES },
  ],
  url: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
  md5: "03b5dce01913d631647c71ecec9e9cb8",
};

/** Downloads the archive into root (unless a verified copy is there) and extracts its files under root. */
const downloadAndExtract = (root: string, url: string, md5: string): Effect.Effect<void, CorruptDataset | DownloadError | FileSystemError> =>
  Effect.gen(function* () {
    const { mkdir, readFile } = yield* Effect.promise(() => import("node:fs/promises"));
    const { createHash } = yield* Effect.promise(() => import("node:crypto"));
    const { basename, dirname, isAbsolute, join, normalize, sep } = yield* Effect.promise(() => import("node:path"));
    yield* prepareFolder(root);
    const archive = join(root, basename(new URL(url).pathname));
    // Like torchvision, an archive already downloaded is reused when its checksum is right.
    const cached = (yield* firstFile([archive])) !== undefined && createHash("md5").update(yield* fsCall("read", archive, () => readFile(archive))).digest("hex") === md5;
    if (!cached) yield* downloadUrl(url, archive, { md5 });
    const tar = yield* readDatasetFile(archive);
    const entries = yield* decodeFile(archive, () => decodeTar(tar, { source: archive }));
    for (const entry of entries) {
      if (entry.type !== "file") continue;
      const name = normalize(entry.name);
      if (isAbsolute(name) || name.split(sep).includes(".."))
        return yield* Effect.fail(new CorruptDataset({ file: archive, reason: `member ${JSON.stringify(entry.name)} points outside the folder`, message: `${archive}: member ${JSON.stringify(entry.name)} points outside the folder` }));
      const target = join(root, name);
      yield* fsCall("open", dirname(target), () => mkdir(dirname(target), { recursive: true }));
      yield* writeFileAtomic(target, entry.data);
    }
  });

const loadCifar = <X, Y>(spec: CifarSpec, options: CifarOptions<X, Y>): Effect.Effect<CifarDataset<X, Y>, CifarError> =>
  Effect.gen(function* () {
    const { root, train = true, download = false, url = spec.url, md5 = spec.md5, transform, targetTransform } = options;
    const { join } = yield* Effect.promise(() => import("node:path"));
    const files = train ? spec.trainFiles : spec.testFiles;
    const dirs = [join(root, spec.folder), root];
    const find = Effect.gen(function* () {
      for (const d of dirs) if ((yield* firstFile([join(d, files[0]!)])) !== undefined) return d;
      return undefined;
    });
    let dir = yield* find;
    if (dir === undefined && download) {
      yield* downloadAndExtract(root, url, md5);
      dir = yield* find;
    }
    if (dir === undefined)
      return yield* Effect.fail(
        datasetNotFound(
          spec.name,
          dirs,
          `To get it: pass download: true, or download ${url} (the binary version) and extract it into ${root}, so that ${join(root, spec.folder, files[0]!)} exists.`,
        ),
      );

    const classLists: (readonly string[])[] = [];
    for (const { file, known } of spec.names) {
      const path = join(dir, file);
      if ((yield* firstFile([path])) === undefined) {
        classLists.push(known);
        continue;
      }
      const text = new TextDecoder().decode(yield* readDatasetFile(path));
      const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
      if (names.length !== known.length)
        return yield* Effect.fail(new CorruptDataset({ file: path, reason: `expected ${known.length} class names, found ${names.length}`, message: `${path}: expected ${known.length} class names, found ${names.length}` }));
      classLists.push(names);
    }

    const parts: CifarRecords[] = [];
    for (const f of files) {
      const path = join(dir, f);
      const bytes = yield* readDatasetFile(path);
      parts.push(yield* decodeFile(path, () => decodeCifar(bytes, { source: path, labelBytes: spec.labelBytes, numClasses: classLists.map((c) => c.length) })));
    }
    const length = parts.reduce((n, p) => n + p.length, 0);
    const data = concatBytes(parts.map((p) => p.images));
    const labels = spec.names.map((_, j) => concatBytes(parts.map((p) => p.labels[j]!)));
    const classes = classLists[classLists.length - 1]!;
    const coarse = spec.labelBytes === 2 ? { coarseTargets: labels[0]!, coarseClasses: classLists[0]! } : {};
    return cifarDataset(spec.name, data, labels[labels.length - 1]!, classes, length, transform, targetTransform, coarse);
  });

const concatBytes = (arrays: readonly Uint8Array[]): Uint8Array => {
  if (arrays.length === 1) return arrays[0]!;
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};

const cifarDataset = <X, Y>(
  name: string,
  data: Uint8Array,
  targets: Uint8Array,
  classes: readonly string[],
  length: number,
  transform: ((image: Image) => X) | undefined,
  targetTransform: ((target: number) => Y) | undefined,
  coarse: { coarseTargets?: Uint8Array; coarseClasses?: readonly string[] },
): CifarDataset<X, Y> => {
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  return {
    length,
    classes,
    classToIdx: Object.fromEntries(classes.map((c, i) => [c, i])),
    data,
    targets,
    ...coarse,
    get: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= length) throw new Error(`${name}: index ${index} is out of range for ${length} samples`);
      // Stored CHW; an Image is HWC (torchvision transposes the same way when loading).
      const src = data.subarray(index * 3 * plane, (index + 1) * 3 * plane);
      const hwc = new Uint8Array(3 * plane);
      for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) hwc[p * 3 + c] = src[c * plane + p]!;
      const image: Image = { data: hwc, height: CIFAR_SIDE, width: CIFAR_SIDE, channels: 3 };
      const target = targets[index]!;
      return {
        input: transform === undefined ? (image as X) : transform(image),
        target: targetTransform === undefined ? (target as Y) : targetTransform(target),
      };
    },
  };
};

/**
 * Loads one split of CIFAR-10 from the binary version (`<root>/cifar-10-batches-bin/data_batch_{1..5}.bin`,
 * `test_batch.bin`), class names from batches.meta.txt when present; with `download: true`, missing files are fetched
 * (cifar-10-binary.tar.gz, MD5-checked) and extracted into root first.
 * @example
 * const test = await Effect.runPromise(loadCifar10({ root: "dataset", train: false }));
 */
export const loadCifar10 = <X = Image, Y = number>(options: CifarOptions<X, Y>): Effect.Effect<CifarDataset<X, Y>, CifarError> => loadCifar(CIFAR10, options);

/**
 * Loads one split of CIFAR-100 from the binary version (`<root>/cifar-100-binary/train.bin`, `test.bin`); targets are
 * the fine labels, as in torchvision, with the coarse ones alongside.
 * @example
 * const train = await Effect.runPromise(loadCifar100({ root: "dataset" }));
 */
export const loadCifar100 = <X = Image, Y = number>(options: CifarOptions<X, Y>): Effect.Effect<CifarDataset<X, Y>, CifarError> => loadCifar(CIFAR100, options);

/**
 * Promise form of loadCifar10, like `torchvision.datasets.CIFAR10(root, train, transform, download)`.
 * @example
 * const testSet = await cifar10({ root: "./dataset", train: false, transform: toTensor(), download: true });
 */
export const cifar10 = <X = Image, Y = number>(options: CifarOptions<X, Y>): Promise<CifarDataset<X, Y>> => Effect.runPromise(loadCifar10(options));

/**
 * Promise form of loadCifar100, like `torchvision.datasets.CIFAR100(root, train, transform)`.
 * @example
 * const train = await cifar100({ root: "dataset" });
 */
export const cifar100 = <X = Image, Y = number>(options: CifarOptions<X, Y>): Promise<CifarDataset<X, Y>> => Effect.runPromise(loadCifar100(options));
