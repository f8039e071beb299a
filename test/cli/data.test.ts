// openData (the CLI's --data/--dataset): a --data that is missing, a file or half a dataset fails, never falls back silently.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openData } from "../../src/cli/data.js";
import { idx, put, tinyMnist } from "../streams/datasets/_fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-cli-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A split of `n` h×w images in the flat layout. */
const writeSplit = (folder: string, prefix: "train" | "t10k", n: number, h = 28, w = 28): void => {
  const { images, labels } = tinyMnist(n, h, w);
  put(join(folder, `${prefix}-images-idx3-ubyte`), images);
  put(join(folder, `${prefix}-labels-idx1-ubyte`), labels);
};

const fashion = { kind: "fashion-mnist" } as const;

describe("--data names the dataset's folder", () => {
  it("a missing folder fails (no fallback to /usr/share/datasets)", async () => {
    const missing = join(dir, "missing");
    await expect(openData(fashion, { root: missing, download: false })).rejects.toThrow(
      `Fashion-MNIST: it is not on this machine (looked in ${join(missing, "FashionMNIST", "raw")}, ${missing}; --data ${missing} does not exist) and --no-download was given.`,
    );
  });

  it("a file fails", async () => {
    const file = join(dir, "file");
    put(file, "x");
    await expect(openData(fashion, { root: file, download: false })).rejects.toThrow(`--data ${file}: is a file, not a folder`);
  });

  it("a folder without the test files fails naming them (they are not taken from elsewhere)", async () => {
    const root = join(dir, "train-only");
    writeSplit(root, "train", 4);
    await expect(openData(fashion, { root, download: false })).rejects.toThrow(
      `holds some of FashionMNIST's files but not t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte`,
    );
  });

  it("14×56 images are not reshaped to 28×28", async () => {
    const root = join(dir, "wide");
    writeSplit(root, "train", 4, 14, 56);
    writeSplit(root, "t10k", 2, 14, 56);
    await expect(openData(fashion, { root, download: false })).rejects.toThrow(
      `Fashion-MNIST: ${join(root, "train-images-idx3-ubyte")} holds 14×56 images, but Fashion-MNIST's are 28×28`,
    );
  });

  it("a complete folder of 28×28 images opens", async () => {
    const root = join(dir, "good");
    writeSplit(root, "train", 4);
    writeSplit(root, "t10k", 2);
    const data = await openData(fashion, { root, download: false });
    expect([data.train.length, data.test.length]).toEqual([4, 2]);
  });

  it("an IDX file with zero images says so", async () => {
    const root = join(dir, "empty");
    put(join(root, "train-images-idx3-ubyte"), idx(0x803, [0, 28, 28], new Uint8Array(0)));
    put(join(root, "train-labels-idx1-ubyte"), idx(0x801, [0], new Uint8Array(0)));
    writeSplit(root, "t10k", 2);
    await expect(openData(fashion, { root, download: false })).rejects.toThrow("holds no images");
  });
});

describe("csv:PATH", () => {
  const csv = (name: string, text: string) => {
    const path = join(dir, name);
    put(path, text);
    return { kind: "csv", path } as const;
  };

  it("an empty file, a header-only file and a row with extra fields fail naming the file (and line)", async () => {
    const empty = csv("empty.csv", "");
    await expect(openData(empty)).rejects.toThrow(`csv:${empty.path}: the file is empty (no header row)`);
    const header = csv("header.csv", "a,b,label\n");
    await expect(openData(header)).rejects.toThrow(`csv:${header.path}: no data rows (only a header); a dataset needs at least one`);
    const extra = csv("extra.csv", "a,label\n1,x\n2,y,9\n");
    await expect(openData(extra)).rejects.toThrow(`csv:${extra.path}: line 3: 3 fields, but the header has 2`);
  });

  it("an empty target cell is explained in the CLI's terms (no API option)", async () => {
    const gap = csv("gap.csv", "a,label\n1,x\n2,\n3,y\n");
    const e = (await openData(gap).then(() => new Error("opened"), (x: unknown) => x)) as Error;
    expect(e.message).toBe(`csv:${gap.path}: target column "label" is empty in data row 2; rivulet train needs a class for every row (fill it in, or delete the row)`);
    expect(e.message).not.toContain("dropNa");
  });
});

describe("image-folder:PATH", () => {
  it("half of torchvision's train/val layout fails naming the missing half (not one class called train)", async () => {
    const root = join(dir, "photos");
    put(join(root, "train", "ants", "a.txt"), "x");
    await expect(openData({ kind: "image-folder", path: root })).rejects.toThrow(`image-folder:${root}: has train/ but neither val/ nor test/`);
    const other = join(dir, "photos2");
    put(join(other, "val", "ants", "a.txt"), "x");
    await expect(openData({ kind: "image-folder", path: other })).rejects.toThrow(`image-folder:${other}: has val/ but no train/`);
  });
});
