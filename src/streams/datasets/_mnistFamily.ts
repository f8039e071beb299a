// Private: what MNIST and Fashion-MNIST share — finding the IDX files (torchvision's layout, a flat folder, Debian's), downloading, decoding.
import { Effect } from "effect";
import type { FileSystemError } from "../../io/FileSystemError.js";
import { prepareFolder } from "../../io/prepareFolder.js";
import type { Dataset, Sample } from "../Dataset.js";
import type { Image } from "../Image.js";
import { CorruptDataset } from "./CorruptDataset.js";
import { datasetNotFound, type DatasetNotFound } from "./DatasetNotFound.js";
import type { DownloadError } from "./DownloadError.js";
import { decodeIdx } from "./decodeIdx.js";
import { decodeFile, firstFile, pathKind, readDatasetFile } from "./_datasetFiles.js";
import { downloadUrl } from "./downloadUrl.js";

/** What distinguishes one IDX image dataset from another (torchvision's class attributes). */
export interface MnistSpec {
  /** torchvision's class name, also the folder under root: `<root>/<name>/raw`. */
  readonly name: string;
  readonly classes: readonly string[];
  readonly mirrors: readonly string[];
  /** File name (gzipped, as on the mirrors) → MD5, torchvision's `resources`. */
  readonly md5: Readonly<Record<string, string>>;
  /** Where a system package installs the files flat, or null. */
  readonly systemDir: string | null;
  /** How to install that package, for the not-found hint. */
  readonly systemHint: string | null;
}

export interface MnistOptions<X = Image, Y = number> {
  /** Folder holding `<Name>/raw/<file>` as torchvision lays it out, or the IDX files directly. */
  readonly root?: string;
  /** The 60000-image training split (true) or the 10000-image test split (false). */
  readonly train?: boolean;
  /** Fetch missing files from the mirrors into `<root>/<Name>/raw`, verified by MD5. */
  readonly download?: boolean;
  /** Applied to each image (an Image, 1 channel) in `get`, like torchvision's `transform`. */
  readonly transform?: (image: Image) => X;
  /** Applied to each label in `get`. */
  readonly targetTransform?: (target: number) => Y;
  /** Overrides the download mirrors (each a URL prefix ending in "/"). */
  readonly mirrors?: readonly string[];
  /** Overrides the expected MD5 of each gzipped file, by file name. */
  readonly md5?: Readonly<Record<string, string>>;
  /** Overrides the system folder searched after root (Debian's), or null to search none. */
  readonly systemDir?: string | null;
}

/** An IDX image dataset decoded into memory: `get` copies one image out and applies the transforms. */
export interface MnistDataset<X = Image, Y = number> extends Dataset<Sample<X, Y>> {
  readonly classes: readonly string[];
  readonly classToIdx: Readonly<Record<string, number>>;
  /** All images, [length, height, width] uint8 row-major; treat as read-only. */
  readonly data: Uint8Array;
  /** All labels; treat as read-only. */
  readonly targets: Uint8Array;
  readonly height: number;
  readonly width: number;
  /** The image file read. */
  readonly imagesFile: string;
  get(index: number): Sample<X, Y>;
}

export type MnistError = DatasetNotFound | CorruptDataset | DownloadError | FileSystemError;

/** Loads one split of an IDX image dataset (see MnistOptions); the Effect behind `mnist` and `fashionMnist`. */
export const loadMnistFamily = <X = Image, Y = number>(spec: MnistSpec, options: MnistOptions<X, Y>): Effect.Effect<MnistDataset<X, Y>, MnistError> =>
  Effect.gen(function* () {
    const { join } = yield* Effect.promise(() => import("node:path"));
    const { root, train = true, download = false, transform, targetTransform, mirrors = spec.mirrors, md5 = spec.md5, systemDir = spec.systemDir } = options;
    const prefix = train ? "train" : "t10k";
    const names = [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`] as const;
    const rawDir = root === undefined ? undefined : join(root, spec.name, "raw");
    const rootDirs = rawDir === undefined ? [] : [rawDir, root!];
    const inDirs = (ds: readonly string[], name: string) => ds.flatMap((d) => [join(d, name), join(d, `${name}.gz`)]);
    if (root !== undefined) {
      const kind = yield* pathKind(root);
      if (kind === "other") return yield* Effect.fail(datasetNotFound(spec.name, [root], `root ${root} is not a folder; pass the folder that holds the dataset.`));
    }
    // A root holding any of the dataset's files is the dataset: its missing files are not taken from anywhere else.
    const ALL = ["train", "t10k"].flatMap((p) => [`${p}-images-idx3-ubyte`, `${p}-labels-idx1-ubyte`]);
    let partial = false;
    for (const name of ALL) if ((yield* firstFile(inDirs(rootDirs, name))) !== undefined) partial = true;
    const dirs = [...rootDirs, ...(systemDir === null || partial ? [] : [systemDir])];
    const candidates = (name: string) => inDirs(dirs, name);

    let files = [yield* firstFile(candidates(names[0])), yield* firstFile(candidates(names[1]))];
    if ((files[0] === undefined || files[1] === undefined) && download) {
      if (rawDir === undefined) return yield* Effect.fail(datasetNotFound(spec.name, dirs, "download: true needs a root to download into."));
      yield* prepareFolder(rawDir);
      for (const [i, name] of names.entries()) {
        if (files[i] !== undefined) continue;
        const gz = `${name}.gz`;
        const target = join(rawDir, gz);
        yield* downloadUrl(mirrors.map((m) => `${m}${gz}`), target, md5[gz] === undefined ? {} : { md5: md5[gz] });
        files = files.map((f, j) => (j === i ? target : f));
      }
    }
    const [imagesFile, labelsFile] = files;
    if (imagesFile === undefined || labelsFile === undefined) {
      const ways = [
        ...(spec.systemHint === null ? [] : [spec.systemHint]),
        `pass root: a folder holding ${spec.name}/raw/${names[0]}.gz (or the .gz files directly)`,
        `pass download: true with a root to fetch them from ${mirrors[0] ?? "a mirror"}`,
      ];
      const missing = names.filter((_, i) => files[i] === undefined).join(" and ");
      const half = partial ? `${root} holds some of ${spec.name}'s files but not ${missing} (files are not mixed from other places). ` : "";
      return yield* Effect.fail(datasetNotFound(spec.name, dirs, `${half}To get it: ${ways.join("; or ")}.`));
    }

    const labelBytes = yield* readDatasetFile(labelsFile);
    const labels = yield* decodeFile(labelsFile, () => decodeIdx(labelBytes, { source: labelsFile, magic: 0x801 }));
    const imageBytes = yield* readDatasetFile(imagesFile);
    const images = yield* decodeFile(imagesFile, () => decodeIdx(imageBytes, { source: imagesFile, magic: 0x803 }));
    const [length, height, width] = images.shape as [number, number, number];
    if (images.shape.length !== 3) return yield* Effect.fail(corrupt(imagesFile, `expected 3 dimensions [count, height, width], got [${images.shape.join(", ")}]`));
    if (labels.shape.length !== 1) return yield* Effect.fail(corrupt(labelsFile, `expected 1 dimension [count], got [${labels.shape.join(", ")}]`));
    if (images.type !== "uint8" || labels.type !== "uint8")
      return yield* Effect.fail(corrupt(images.type !== "uint8" ? imagesFile : labelsFile, `expected uint8 elements, got ${images.type !== "uint8" ? images.type : labels.type}`));
    if (length === 0) return yield* Effect.fail(corrupt(imagesFile, `holds no images (the header declares [0, ${height}, ${width}])`));
    if (height === 0 || width === 0) return yield* Effect.fail(corrupt(imagesFile, `images of ${height}×${width} pixels hold nothing`));
    if (labels.shape[0] !== length)
      return yield* Effect.fail(corrupt(labelsFile, `label/image count mismatch: ${labels.shape[0]} labels for ${length} images in ${imagesFile}`));
    const targets = labels.data as Uint8Array;
    const bad = targets.findIndex((t) => t >= spec.classes.length);
    if (bad >= 0) return yield* Effect.fail(corrupt(labelsFile, `label ${targets[bad]} at index ${bad} is not a class index (there are ${spec.classes.length} classes)`));
    return mnistDataset(spec, images.data as Uint8Array, targets, length, height, width, imagesFile, transform, targetTransform);
  });

const corrupt = (file: string, reason: string): CorruptDataset => new CorruptDataset({ file, reason, message: `${file}: ${reason}` });

const mnistDataset = <X, Y>(
  spec: MnistSpec,
  data: Uint8Array,
  targets: Uint8Array,
  length: number,
  height: number,
  width: number,
  imagesFile: string,
  transform: ((image: Image) => X) | undefined,
  targetTransform: ((target: number) => Y) | undefined,
): MnistDataset<X, Y> => {
  const size = height * width;
  return {
    length,
    classes: spec.classes,
    classToIdx: Object.fromEntries(spec.classes.map((c, i) => [c, i])),
    data,
    targets,
    height,
    width,
    imagesFile,
    get: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= length) throw new Error(`${spec.name}: index ${index} is out of range for ${length} samples`);
      // A copy, so that a transform or caller changing the image cannot change the dataset.
      const image: Image = { data: data.slice(index * size, (index + 1) * size), height, width, channels: 1 };
      const target = targets[index]!;
      return {
        input: transform === undefined ? (image as X) : transform(image),
        target: targetTransform === undefined ? (target as Y) : targetTransform(target),
      };
    },
  };
};
