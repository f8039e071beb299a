// torchvision.datasets.FashionMNIST: Zalando's clothing images in MNIST's IDX format, also found where Debian installs them.
import { Effect } from "effect";
import type { Image } from "../Image.js";
import { loadMnistFamily, type MnistDataset, type MnistError, type MnistOptions, type MnistSpec } from "./_mnistFamily.js";

/** torchvision 0.14's FashionMNIST (class names, mirror, MD5s), plus Debian's dataset-fashion-mnist folder. */
export const FASHION_MNIST: MnistSpec = {
  name: "FashionMNIST",
  classes: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  md5: {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
  },
  systemDir: "/usr/share/datasets/fashion-mnist",
  systemHint: "install Debian's package (apt-get install dataset-fashion-mnist, which puts the files in /usr/share/datasets/fashion-mnist)",
};

/**
 * Loads one split of Fashion-MNIST, looking in `<root>/FashionMNIST/raw`, then `root` itself, then
 * /usr/share/datasets/fashion-mnist, and downloading into `<root>/FashionMNIST/raw` when asked and still missing.
 * Fails with DatasetNotFound (with a hint on how to get it), CorruptDataset, DownloadError or FileSystemError.
 * @example
 * const train = await Effect.runPromise(loadFashionMnist({ train: true }));
 * train.classes[train.get(0).target]; // "Ankle boot"
 */
export const loadFashionMnist = <X = Image, Y = number>(options: MnistOptions<X, Y> = {}): Effect.Effect<MnistDataset<X, Y>, MnistError> =>
  loadMnistFamily(FASHION_MNIST, options);

/**
 * Promise form of loadFashionMnist, like `torchvision.datasets.FashionMNIST(root, train, transform, ..., download)`.
 * @example
 * const mnistTrain = await fashionMnist({ root: "data", train: true, transform: toTensor() });
 * mnistTrain.length; // 60000
 */
export const fashionMnist = <X = Image, Y = number>(options: MnistOptions<X, Y> = {}): Promise<MnistDataset<X, Y>> =>
  Effect.runPromise(loadFashionMnist(options));
