// torchvision.datasets.MNIST: LeCun's handwritten digits from IDX files, as an in-memory map-style dataset.
import { Effect } from "effect";
import type { Image } from "../Image.js";
import { loadMnistFamily, type MnistDataset, type MnistError, type MnistOptions, type MnistSpec } from "./_mnistFamily.js";

/** torchvision 0.14's MNIST: its class names, mirrors and the MD5 of each gzipped file. */
export const MNIST: MnistSpec = {
  name: "MNIST",
  classes: ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"],
  mirrors: ["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
  md5: {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
  },
  systemDir: null,
  systemHint: null,
};

/**
 * Loads one split of MNIST from `<root>/MNIST/raw` (or a folder holding the IDX files), downloading it first when
 * asked; fails with DatasetNotFound, CorruptDataset, DownloadError or FileSystemError.
 * @example
 * const train = await Effect.runPromise(loadMnist({ root: "data", download: true }));
 */
export const loadMnist = <X = Image, Y = number>(options: MnistOptions<X, Y> = {}): Effect.Effect<MnistDataset<X, Y>, MnistError> =>
  loadMnistFamily(MNIST, options);

/**
 * Promise form of loadMnist, like `torchvision.datasets.MNIST(root, train, transform, target_transform, download)`.
 * @example
 * const test = await mnist({ root: "data", train: false, transform: toTensor() });
 * const { input, target } = test.get(0);
 */
export const mnist = <X = Image, Y = number>(options: MnistOptions<X, Y> = {}): Promise<MnistDataset<X, Y>> => Effect.runPromise(loadMnist(options));
