// Tests for mnist/fashionMnist: torchvision's and Debian's layouts, transforms, typed errors, and the real Debian files.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import { CorruptDataset, DatasetNotFound, fashionMnist, loadFashionMnist, loadMnist, mnist } from "../../../src/streams/datasets/index.js";
import { gz, idx, put, tinyMnist } from "./_fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-mnist-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const failure = <E>(program: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(program));

/** Writes a split of tiny MNIST-format files into `folder`, gzipped or not. */
const writeSplit = (folder: string, prefix: "train" | "t10k", n: number, zip = true): void => {
  const { images, labels } = tinyMnist(n);
  put(join(folder, `${prefix}-images-idx3-ubyte${zip ? ".gz" : ""}`), zip ? gz(images) : images);
  put(join(folder, `${prefix}-labels-idx1-ubyte${zip ? ".gz" : ""}`), zip ? gz(labels) : labels);
};

describe("finding the files", () => {
  it("reads torchvision's layout <root>/FashionMNIST/raw/*.gz, with classes as torchvision", async () => {
    const root = join(dir, "tv");
    writeSplit(join(root, "FashionMNIST", "raw"), "train", 12);
    const ds = await fashionMnist({ root, systemDir: null });
    expect([ds.length, ds.height, ds.width, ds.imagesFile]).toEqual([12, 3, 2, join(root, "FashionMNIST", "raw", "train-images-idx3-ubyte.gz")]);
    expect(ds.classes).toEqual(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
    expect(ds.classToIdx["Ankle boot"]).toBe(9);
    const { input, target } = ds.get(11);
    expect([input.height, input.width, input.channels, target]).toEqual([3, 2, 1, 1]);
    expect(Array.from(input.data)).toEqual([11 * 31, 11 * 31 + 1, 11 * 31 + 2, 11 * 31 + 3, 11 * 31 + 4, 11 * 31 + 5].map((v) => v % 256));
  });

  it("reads a flat folder (Debian's layout, or torchvision's raw folder) and uncompressed files", async () => {
    const flat = join(dir, "flat");
    writeSplit(flat, "t10k", 5, false);
    const ds = await mnist({ root: flat, train: false });
    expect([ds.length, ds.get(4).target, ds.classes[4]]).toEqual([5, 4, "4 - four"]);
  });

  it("falls back to the system folder (systemDir) after root", async () => {
    const system = join(dir, "usr-share");
    writeSplit(system, "train", 3);
    const ds = await fashionMnist({ root: join(dir, "empty-root"), systemDir: system });
    expect(ds.imagesFile).toBe(join(system, "train-images-idx3-ubyte.gz"));
  });

  it("get copies the image out (changing it cannot change the dataset) and applies the transforms", async () => {
    const root = join(dir, "tf");
    writeSplit(join(root, "MNIST", "raw"), "train", 4);
    const plain = await mnist({ root });
    plain.get(2).input.data.fill(0);
    expect(plain.get(2).input.data[0]).toBe(62);
    const ds = await mnist({ root, transform: (img) => img.data.reduce((a, b) => a + b, 0), targetTransform: (t) => `class ${t}` });
    expect(ds.get(1)).toEqual({ input: [31, 32, 33, 34, 35, 36].reduce((a, b) => a + b, 0), target: "class 1" });
    expect(() => ds.get(4)).toThrow("MNIST: index 4 is out of range for 4 samples");
  });
});

describe("errors", () => {
  it("a missing dataset is DatasetNotFound listing where it looked and how to get it", async () => {
    const e = await failure(loadFashionMnist({ root: join(dir, "nothing"), systemDir: null }));
    expect(e).toBeInstanceOf(DatasetNotFound);
    expect(e.message).toContain(`looked in ${join(dir, "nothing", "FashionMNIST", "raw")}, ${join(dir, "nothing")}`);
    expect(e.message).toContain("apt-get install dataset-fashion-mnist");
    expect(e.message).toContain("pass root:");
    expect(e.message).toContain("download: true");
    const m = await failure(loadMnist({ root: join(dir, "nothing") }));
    expect(m.message).not.toContain("apt-get");
  });

  const corrupt = async (name: string, files: { images?: Uint8Array; labels?: Uint8Array }): Promise<CorruptDataset> => {
    const folder = join(dir, name);
    const { images, labels } = tinyMnist(4);
    put(join(folder, "train-images-idx3-ubyte.gz"), files.images ?? gz(images));
    put(join(folder, "train-labels-idx1-ubyte.gz"), files.labels ?? gz(labels));
    const e = await failure(loadMnist({ root: folder }));
    expect(e).toBeInstanceOf(CorruptDataset);
    return e as CorruptDataset;
  };

  it("bad magic number names the file", async () => {
    const e = await corrupt("bad-magic", { images: gz(idx(0x801, [4], new Uint8Array(4))) });
    expect(e.file).toContain("train-images-idx3-ubyte.gz");
    expect(e.message).toContain("bad magic number 0x00000801, expected 0x00000803");
  });

  it("truncated pixel data", async () => {
    const e = await corrupt("truncated", { images: gz(tinyMnist(4).images.subarray(0, 30)) });
    expect(e.reason).toContain("truncated data: the header declares uint8 [4, 3, 2]");
  });

  it("a short gzip stream", async () => {
    const whole = gz(tinyMnist(4).labels);
    const e = await corrupt("short-gzip", { labels: whole.subarray(0, whole.length - 12) });
    expect(e.file).toContain("train-labels-idx1-ubyte.gz");
    expect(e.reason).toContain("gzip data is truncated or corrupt");
  });

  it("label/image count mismatch", async () => {
    const e = await corrupt("count", { labels: gz(tinyMnist(3).labels) });
    expect(e.message).toContain("label/image count mismatch: 3 labels for 4 images");
  });

  it("a label that is not a class index", async () => {
    const e = await corrupt("label", { labels: gz(idx(0x801, [4], Uint8Array.of(0, 1, 10, 2))) });
    expect(e.reason).toBe("label 10 at index 2 is not a class index (there are 10 classes)");
  });
});

describe("the real Fashion-MNIST from Debian's dataset-fashion-mnist", () => {
  const system = "/usr/share/datasets/fashion-mnist";
  // CI installs the package, so there a missing folder is a failure, not a reason to skip.
  const run = existsSync(system) || process.env["CI"] !== undefined ? it : it.skip;
  run("has 60000/10000 images of 28×28; the first training label is 9, Ankle boot", async () => {
    const [train, test] = await Promise.all([fashionMnist(), fashionMnist({ train: false })]);
    expect([train.length, test.length]).toEqual([60000, 10000]);
    const { input, target } = train.get(0);
    expect([input.height, input.width, input.channels, target, train.classes[target]]).toEqual([28, 28, 1, 9, "Ankle boot"]);
    expect(test.imagesFile).toBe(join(system, "t10k-images-idx3-ubyte.gz"));
  });
});

describe("bad input: an error naming the file, never a substitute", () => {
  it("a root that is a file is DatasetNotFound saying so", async () => {
    const file = join(dir, "a-file");
    put(file, "not a folder");
    const e = await failure(loadMnist({ root: file }));
    expect(e).toBeInstanceOf(DatasetNotFound);
    expect(e.message).toContain(`root ${file} is not a folder`);
  });

  it("a root with the training files but not the test files does not take them from the system folder", async () => {
    const [root, system] = [join(dir, "half"), join(dir, "half-system")];
    writeSplit(root, "train", 3);
    writeSplit(system, "t10k", 2);
    expect((await fashionMnist({ root, systemDir: system })).imagesFile).toBe(join(root, "train-images-idx3-ubyte.gz"));
    const e = await failure(loadFashionMnist({ root, train: false, systemDir: system }));
    expect(e).toBeInstanceOf(DatasetNotFound);
    expect(e.message).toContain(`${root} holds some of FashionMNIST's files but not t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte`);
    expect((e as DatasetNotFound).searched).not.toContain(system);
  });

  it("an image file with zero images is CorruptDataset, not a failure inside stack", async () => {
    const folder = join(dir, "zero");
    put(join(folder, "train-images-idx3-ubyte"), idx(0x803, [0, 28, 28], new Uint8Array(0)));
    put(join(folder, "train-labels-idx1-ubyte"), idx(0x801, [0], new Uint8Array(0)));
    const e = await failure(loadMnist({ root: folder }));
    expect(e).toBeInstanceOf(CorruptDataset);
    expect(e.message).toBe(`${join(folder, "train-images-idx3-ubyte")}: holds no images (the header declares [0, 28, 28])`);
  });

  it("images of zero pixels are CorruptDataset", async () => {
    const folder = join(dir, "zero-pixels");
    put(join(folder, "train-images-idx3-ubyte"), idx(0x803, [2, 0, 28], new Uint8Array(0)));
    put(join(folder, "train-labels-idx1-ubyte"), idx(0x801, [2], new Uint8Array(2)));
    const e = await failure(loadMnist({ root: folder }));
    expect(e.message).toContain("images of 0×28 pixels hold nothing");
  });
});
