// Opens the dataset a command names (`--dataset`): the built-in downloads, an image folder or a CSV file, split into train and test.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  fashionMnist, mnist, cifar10, imageFolder, readCsv, tableDataset, transforms as T, DatasetNotFound, DownloadError,
  Tensor, type Dataset, type Image, type Sample,
} from "../index.js";
import { RunFailure } from "./errors.js";
import type { DataShape, InputPlan } from "./models.js";

/** What `--dataset` names: a built-in dataset, or `image-folder:PATH` / `csv:PATH`. */
export type DatasetSpec =
  | { readonly kind: "fashion-mnist" | "mnist" | "cifar10" }
  | { readonly kind: "image-folder" | "csv"; readonly path: string };

/** The names `--dataset` accepts, as help lists them. */
export const DATASET_FORMS = ["fashion-mnist", "mnist", "cifar10", "image-folder:PATH", "csv:PATH"] as const;

/** A split as it comes off the disk: images (HWC bytes) or feature vectors, with class indices. */
export type RawSplit = Dataset<Sample<Image | Tensor, number>>;

/** Both splits of a dataset, its class names and the shape of one sample. */
export interface OpenedData {
  /** How the dataset is named in messages (`fashion-mnist`, `image-folder:photos`). */
  readonly name: string;
  readonly classes: readonly string[];
  readonly shape: DataShape;
  readonly train: RawSplit;
  readonly test: RawSplit;
}

export interface OpenDataOptions {
  /** Where datasets live (torchvision's root; default "data"). */
  readonly root?: string;
  /** Fetch a built-in dataset that is not on the machine (default true). */
  readonly download?: boolean;
  /** Keep at most this many samples per split, evenly spaced so every part (and class) of the split is represented. */
  readonly limit?: number;
  /** The CSV column to predict (default: the last column). */
  readonly target?: string;
}

/** The sample shape of a built-in dataset, known before opening it (so a model that cannot take it fails at once); undefined for files. */
export const staticShape = (spec: DatasetSpec): DataShape | undefined =>
  spec.kind === "cifar10" ? { kind: "image", channels: 3, height: 32, width: 32 }
  : spec.kind === "fashion-mnist" || spec.kind === "mnist" ? { kind: "image", channels: 1, height: 28, width: 28 }
  : spec.kind === "image-folder" ? { kind: "image", channels: 3 }
  : undefined;

/** `spec` as the user wrote it. */
export const specText = (spec: DatasetSpec): string => ("path" in spec ? `${spec.kind}:${spec.path}` : spec.kind);

/** At most `limit` samples of `ds`, evenly spaced. */
const capped = <X>(ds: Dataset<X>, limit: number | undefined): Dataset<X> => {
  if (limit === undefined || limit >= ds.length) return ds;
  const step = ds.length / limit;
  return { length: limit, get: (i) => ds.get(Math.floor(i * step)) };
};

/** The samples of `ds` at `indices`. */
const subset = <X>(ds: Dataset<X>, indices: readonly number[]): Dataset<X> => ({ length: indices.length, get: (i) => ds.get(indices[i]!) });

/** A fixed split for data without one: every fifth sample (index ≡ 4 mod 5) is held out for testing, no randomness involved. */
const holdOut = <X>(ds: Dataset<X>): { train: Dataset<X>; test: Dataset<X> } => {
  const all = Array.from({ length: ds.length }, (_, i) => i);
  return { train: subset(ds, all.filter((i) => i % 5 !== 4)), test: subset(ds, all.filter((i) => i % 5 === 4)) };
};

const HOW_TO_GET: Readonly<Record<"fashion-mnist" | "mnist" | "cifar10", string>> = {
  "fashion-mnist":
    "Get it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or pass --data PATH (a folder holding the four *-ubyte.gz files), or run with --download on a machine that is online",
  mnist: "Get it by passing --data PATH (a folder holding MNIST/raw/ or the four *-ubyte.gz files), or run with --download on a machine that is online",
  cifar10: "Get it by passing --data PATH (a folder holding cifar-10-batches-bin/), or run with --download on a machine that is online",
};

const TITLES = { "fashion-mnist": "Fashion-MNIST", mnist: "MNIST", cifar10: "CIFAR-10" } as const;

/** The part of a DatasetNotFound's hint that says what a folder lacks (before "To get it"), as " (…)", or "". */
const partialNote = (e: DatasetNotFound): string => {
  const note = e.hint.split("To get it:")[0]!.trim();
  return note === "" ? "" : ` (${note.replace(/\.$/, "")})`;
};

/** The one message for a built-in dataset that is neither on the machine nor downloadable. */
const notAvailable = (kind: keyof typeof HOW_TO_GET, e: unknown, root: string, download: boolean): RunFailure => {
  const why =
    e instanceof DownloadError
      ? `it is not on this machine and downloading it failed (${e.attempts.length > 0 ? e.attempts.map((a) => a.reason).filter((r, i, all) => all.indexOf(r) === i).join("; ") : e.message})`
      : `it is not on this machine (looked in ${(e as DatasetNotFound).searched.join(", ")}${existsSync(root) ? "" : `; --data ${root} does not exist`})${download ? "" : " and --no-download was given"}${partialNote(e as DatasetNotFound)}`;
  return new RunFailure({ message: `${TITLES[kind]}: ${why}. ${HOW_TO_GET[kind]}.`, cause: e });
};

/** `--data`'s default: the only root that may be absent, and the only one after which Debian's folder is searched. */
export const DEFAULT_DATA_ROOT = "data";

/** Fails when `root` is a file. A missing --data is where a download goes, so it is no error by itself. */
const checkRoot = (root: string): void => {
  if (existsSync(root) && !statSync(root).isDirectory()) throw new RunFailure({ message: `--data ${root}: is a file, not a folder (--data names the folder that holds the dataset)` });
};

const builtIn = async (kind: "fashion-mnist" | "mnist" | "cifar10", root: string, download: boolean) => {
  checkRoot(root);
  try {
    if (kind === "cifar10") return await Promise.all([cifar10({ root, train: true, download }), cifar10({ root, train: false, download })]);
    const load = kind === "mnist" ? mnist : fashionMnist;
    // Only the default root falls back to the system's copy; a --data the user names is the dataset.
    const system = root === DEFAULT_DATA_ROOT ? {} : { systemDir: null };
    const splits = await Promise.all([load({ root, train: true, download, ...system }), load({ root, train: false, download, ...system })]);
    for (const split of splits)
      if (split.height !== 28 || split.width !== 28)
        throw new RunFailure({ message: `${TITLES[kind]}: ${split.imagesFile} holds ${split.height}×${split.width} images, but ${TITLES[kind]}'s are 28×28 (is this the right file?)` });
    return splits;
  } catch (e) {
    if (e instanceof DatasetNotFound || e instanceof DownloadError) throw notAvailable(kind, e, root, download);
    throw e;
  }
};

const openImageFolder = async (path: string) => {
  // torchvision's hymenoptera layout (train/ and val/) when present, else one folder split by holdOut.
  const sub = (name: string) => join(path, name);
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  const testDir = ["val", "test"].map(sub).find(isDir);
  if (isDir(sub("train")) && testDir !== undefined) {
    const [train, test] = await Promise.all([imageFolder(sub("train")), imageFolder(testDir)]);
    if (train.classes.join("\u0000") !== test.classes.join("\u0000"))
      throw new RunFailure({ message: `image-folder:${path}: ${sub("train")} has classes [${train.classes.join(", ")}] but ${testDir} has [${test.classes.join(", ")}]` });
    return { classes: train.classes, train: train as RawSplit, test: test as RawSplit };
  }
  // Half of that layout is a mistake, not one class called "train": say which half is missing.
  const half = isDir(sub("train")) ? "train/ but neither val/ nor test/" : testDir !== undefined ? `${testDir.slice(path.length + 1)}/ but no train/` : undefined;
  if (half !== undefined) throw new RunFailure({ message: `image-folder:${path}: has ${half}; give both splits (train/ and val/ or test/) or only class folders` });
  const all = await imageFolder(path);
  return { classes: all.classes, ...holdOut(all as RawSplit) };
};

const openCsv = async (path: string, target: string | undefined) => {
  // A file that cannot be read or used is one line naming it (CorruptDataset and tableDataset name file and line).
  const asFailure = (e: unknown): never => {
    throw e instanceof RunFailure ? e : new RunFailure({ message: `csv:${path}: ${e instanceof Error ? e.message.replace(`${path}: `, "") : String(e)}`, cause: e });
  };
  const table = await readCsv(path).catch(asFailure);
  const columns = table.columnNames();
  const label = target ?? columns.at(-1)!;
  if (!columns.includes(label)) throw new RunFailure({ message: `csv:${path}: no column "${label}" (--target); the columns are: ${columns.join(", ")}` });
  // The CLI has no dropNa option: say what to do to the file instead.
  const missing = Array.from(table.array(label) as ArrayLike<unknown>).findIndex((v) => v === null || v === undefined);
  if (missing >= 0)
    throw new RunFailure({ message: `csv:${path}: target column "${label}" is empty in data row ${missing + 1}; rivulet train needs a class for every row (fill it in, or delete the row)` });
  // d2l's Kaggle preprocessing: standardise numbers, fill gaps with the mean (0), one-hot encode text.
  let ds: ReturnType<typeof tableDataset>;
  try {
    ds = tableDataset(table, { target: label, standardize: true, fillNa: 0, oneHot: true, dummyNa: true }, path);
  } catch (e) {
    return asFailure(e);
  }
  const raw = Array.from(ds.labels.dataSync());
  let classes: readonly string[];
  let targets: number[];
  if (ds.classes !== undefined) [classes, targets] = [ds.classes, raw];
  else {
    if (!raw.every(Number.isInteger))
      throw new RunFailure({ message: `csv:${path}: target column "${label}" holds non-integer numbers; rivulet train classifies, so the target must be class labels (text or integers)` });
    const values = [...new Set(raw)].sort((a, b) => a - b);
    const index = new Map(values.map((v, i) => [v, i]));
    [classes, targets] = [values.map(String), raw.map((v) => index.get(v)!)];
  }
  const features = ds.features;
  const all: RawSplit = { length: ds.length, get: (i) => ({ input: features.select(0, i), target: targets[i]! }) };
  return { classes, shape: { kind: "vector", features: features.shape[1]! } as DataShape, ...holdOut(all) };
};

/**
 * Opens both splits of `spec` (downloading a built-in dataset when allowed); a dataset that cannot be had fails with one
 * RunFailure saying how to get it.
 * @example
 * const data = await openData({ kind: "fashion-mnist" }, { limit: 512 });
 */
export const openData = async (spec: DatasetSpec, { root = DEFAULT_DATA_ROOT, download = true, limit, target }: OpenDataOptions = {}): Promise<OpenedData> => {
  const name = specText(spec);
  const finish = (classes: readonly string[], shape: DataShape, train: RawSplit, test: RawSplit): OpenedData => ({
    name, classes, shape, train: capped(train, limit), test: capped(test, limit),
  });
  switch (spec.kind) {
    case "fashion-mnist":
    case "mnist":
    case "cifar10": {
      const [train, test] = await builtIn(spec.kind, root, download);
      return finish(train.classes, staticShape(spec)!, train, test);
    }
    case "image-folder": {
      const { classes, train, test } = await openImageFolder(spec.path);
      // ImageFolder converts every image to RGB, of whatever size.
      return finish(classes, staticShape(spec)!, train, test);
    }
    case "csv": {
      const { classes, shape, train, test } = await openCsv(spec.path, target);
      return finish(classes, shape, train, test);
    }
  }
};

/** Image → tensor as the model needs it: resize the shorter side and centre-crop to the model's size when planned, then ToTensor. */
export const imageToInput = (plan: InputPlan): ((x: Image) => Tensor) => {
  const toTensor = T.toTensor();
  if (plan.resize === undefined) return toTensor;
  const [resize, crop] = [T.resize(plan.resize), T.centerCrop(plan.resize)];
  return (x) => toTensor(crop(resize(x)));
};

/** A split whose inputs are tensors the model can take (images transformed per `plan`, vectors as they are). */
export const modelInputs = (split: RawSplit, plan: InputPlan): Dataset<Sample<Tensor, number>> => {
  const image = imageToInput(plan);
  const convert = (s: Sample<Image | Tensor, number>): Sample<Tensor, number> => ({
    input: s.input instanceof Tensor ? s.input : image(s.input),
    target: s.target,
  });
  return {
    length: split.length,
    get: (i) => {
      const s = split.get(i);
      return s instanceof Promise ? s.then(convert) : convert(s);
    },
  };
};
