// torchvision.datasets.ImageFolder: root/<class>/<image>.jpg|png, classes sorted, images decoded lazily in `get`.
import { Effect } from "effect";
import { fsCall, type FileSystemError } from "../../io/FileSystemError.js";
import type { Dataset, Sample } from "../Dataset.js";
import type { Image } from "../Image.js";
import type { CorruptDataset } from "./CorruptDataset.js";
import { datasetNotFound, type DatasetNotFound } from "./DatasetNotFound.js";
import { decodeImage } from "./decodeImage.js";
import { decodeFile } from "./_datasetFiles.js";

export interface ImageFolderOptions<X = Image, Y = number> {
  /** Applied to each decoded RGB image in `get`. */
  readonly transform?: (image: Image) => X;
  /** Applied to each class index in `get`. */
  readonly targetTransform?: (target: number) => Y;
  /** File endings (case-insensitive) that count as images; only JPEG and PNG decode. */
  readonly extensions?: readonly string[];
  /** Allow class folders without any image (torchvision's allow_empty). */
  readonly allowEmpty?: boolean;
}

/** One image file and its class index (an entry of torchvision's `samples`). */
export interface ImageFolderSample {
  readonly path: string;
  readonly target: number;
}

/** The files of an image folder; `get` reads and decodes one image when asked (a promise). */
export interface ImageFolderDataset<X = Image, Y = number> extends Dataset<Sample<X, Y>> {
  readonly root: string;
  readonly classes: readonly string[];
  readonly classToIdx: Readonly<Record<string, number>>;
  readonly samples: readonly ImageFolderSample[];
  readonly targets: readonly number[];
  /** Rejects with a CorruptDataset (naming the file) when the image does not decode, or a FileSystemError. */
  get(index: number): Promise<Sample<X, Y>>;
}

export type ImageFolderError = DatasetNotFound | FileSystemError;

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lists an image folder like torchvision: classes are the sorted sub-folders of `root`, samples every file under each
 * (recursively, folders and names sorted) whose name ends in one of `extensions`. Fails with DatasetNotFound when root
 * is missing, has no class folders, or a class has no images.
 * @example
 * const train = await Effect.runPromise(loadImageFolder("hymenoptera_data/train"));
 * train.classes; // ["ants", "bees"]
 */
export const loadImageFolder = <X = Image, Y = number>(
  root: string,
  { transform, targetTransform, extensions = [".jpg", ".jpeg", ".png"], allowEmpty = false }: ImageFolderOptions<X, Y> = {},
): Effect.Effect<ImageFolderDataset<X, Y>, ImageFolderError> =>
  Effect.gen(function* () {
    const { readdir, readFile, stat } = yield* Effect.promise(() => import("node:fs/promises"));
    const { join } = yield* Effect.promise(() => import("node:path"));
    const layout = `root must hold one folder per class with the images inside, e.g. ${join(root, "ants", "0013035.jpg")}`;
    const isDir = (p: string) => Effect.promise(() => stat(p).then((s) => s.isDirectory(), () => false));
    if (!(yield* isDir(root))) return yield* Effect.fail(datasetNotFound("ImageFolder", [root], `No such folder; ${layout}.`));

    const classes: string[] = [];
    for (const name of (yield* fsCall("read", root, () => readdir(root))).sort(byCodeUnit)) if (yield* isDir(join(root, name))) classes.push(name);
    if (classes.length === 0) return yield* Effect.fail(datasetNotFound("ImageFolder", [root], `Couldn't find any class folder in ${root}; ${layout}.`));

    const endings = extensions.map((e) => e.toLowerCase());
    // os.walk order as torchvision sorts it: (folder path, sorted names) pairs, sorted by folder path.
    const walk = (dir: string): Effect.Effect<[string, string[]][], FileSystemError> =>
      Effect.gen(function* () {
        const names = yield* fsCall("read", dir, () => readdir(dir));
        const files: string[] = [];
        const nested: [string, string[]][] = [];
        for (const name of names) {
          const path = join(dir, name);
          if (yield* isDir(path)) nested.push(...(yield* walk(path)));
          else files.push(name);
        }
        return [[dir, files.sort(byCodeUnit)] as [string, string[]], ...nested].sort((a, b) => byCodeUnit(a[0], b[0]));
      });
    const samples: ImageFolderSample[] = [];
    const empty: string[] = [];
    for (const [target, name] of classes.entries()) {
      const before = samples.length;
      for (const [dir, files] of yield* walk(join(root, name)))
        for (const f of files) if (endings.some((e) => f.toLowerCase().endsWith(e))) samples.push({ path: join(dir, f), target });
      if (samples.length === before) empty.push(name);
    }
    if (empty.length > 0 && !allowEmpty)
      return yield* Effect.fail(
        datasetNotFound("ImageFolder", empty.map((c) => join(root, c)), `Found no valid file for the classes ${empty.join(", ")}. Supported extensions are: ${extensions.join(", ")}.`),
      );

    const readSample = (index: number): Effect.Effect<Sample<X, Y>, CorruptDataset | FileSystemError> =>
      Effect.gen(function* () {
        const { path, target } = samples[index]!;
        const bytes = yield* fsCall("read", path, () => readFile(path));
        const image = yield* decodeFile(path, () => decodeImage(bytes, { source: path }));
        return {
          input: transform === undefined ? (image as X) : transform(image),
          target: targetTransform === undefined ? (target as Y) : targetTransform(target),
        };
      });
    return {
      root,
      classes,
      classToIdx: Object.fromEntries(classes.map((c, i) => [c, i])),
      samples,
      targets: samples.map((s) => s.target),
      length: samples.length,
      get: (index) =>
        Number.isInteger(index) && index >= 0 && index < samples.length
          ? Effect.runPromise(readSample(index))
          : Promise.reject(new Error(`ImageFolder: index ${index} is out of range for ${samples.length} samples in ${root}`)),
    };
  });

/**
 * Promise form of loadImageFolder, like `torchvision.datasets.ImageFolder(root, transform)`.
 * @example
 * const train = await imageFolder("hymenoptera_data/train", { transform: toTensor() });
 * const { input, target } = await train.get(0); // target 0 = "ants"
 */
export const imageFolder = <X = Image, Y = number>(root: string, options: ImageFolderOptions<X, Y> = {}): Promise<ImageFolderDataset<X, Y>> =>
  Effect.runPromise(loadImageFolder(root, options));
