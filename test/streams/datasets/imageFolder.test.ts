// Tests for imageFolder on a tiny ants/bees tree laid out like the curriculum's hymenoptera_data, written as real PNG/JPEG files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { CorruptDataset, DatasetNotFound, imageFolder, loadImageFolder, readImage } from "../../../src/streams/datasets/index.js";
import { put } from "./_fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-imagefolder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const failure = <E>(program: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(program));

/** A w×h PNG whose pixels are all (r, g, b, a); colorType 0 writes grayscale. */
const png = (w: number, h: number, [r, g, b, a]: [number, number, number, number], colorType: 0 | 2 | 6 = 6): Uint8Array => {
  const image = new PNG({ width: w, height: h, colorType, inputHasAlpha: true });
  for (let p = 0; p < w * h; p++) image.data.set([r, g, b, a], p * 4);
  return new Uint8Array(PNG.sync.write(image, { colorType }));
};
const jpg = (w: number, h: number, [r, g, b]: [number, number, number]): Uint8Array => {
  const data = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([r, g, b, 255], p * 4);
  return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 95).data);
};

const train = join(dir, "hymenoptera_data", "train");
put(join(train, "bees", "39747887_42df2855ee.jpg"), jpg(6, 4, [200, 180, 20]));
put(join(train, "bees", "16838648_415acd9e3f.JPEG"), jpg(3, 5, [10, 20, 30]));
put(join(train, "ants", "0013035.jpg"), jpg(8, 8, [120, 60, 30]));
put(join(train, "ants", "a-gray.png"), png(2, 3, [77, 77, 77, 255], 0));
put(join(train, "ants", "nested", "b-alpha.png"), png(2, 2, [1, 2, 3, 4]));
put(join(train, "ants", "notes.txt"), "not an image");

describe("imageFolder", () => {
  it("sorted classes, classToIdx, samples in torchvision's walk order, extensions case-insensitive", async () => {
    const ds = await imageFolder(train);
    expect(ds.classes).toEqual(["ants", "bees"]);
    expect(ds.classToIdx).toEqual({ ants: 0, bees: 1 });
    expect(ds.samples.map((s) => [s.path.slice(train.length + 1), s.target])).toEqual([
      ["ants/0013035.jpg", 0], ["ants/a-gray.png", 0], ["ants/nested/b-alpha.png", 0],
      ["bees/16838648_415acd9e3f.JPEG", 1], ["bees/39747887_42df2855ee.jpg", 1],
    ]);
    expect([ds.length, ds.targets]).toEqual([5, [0, 0, 0, 1, 1]]);
  });

  it("decodes lazily in get, to RGB as PIL's convert('RGB'): gray replicated, alpha dropped", async () => {
    const ds = await imageFolder(train);
    const gray = await ds.get(1);
    expect([gray.input.height, gray.input.width, gray.input.channels, Array.from(gray.input.data.subarray(0, 3)), gray.target]).toEqual([3, 2, 3, [77, 77, 77], 0]);
    expect(Array.from((await ds.get(2)).input.data)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    const bee = await ds.get(4);
    expect([bee.input.height, bee.input.width, bee.target]).toEqual([4, 6, 1]);
    expect(Math.abs(bee.input.data[0]! - 200)).toBeLessThanOrEqual(3);
  });

  it("applies transform and targetTransform; a custom extension list", async () => {
    const ds = await imageFolder(train, { extensions: [".png"], transform: (img) => img.width * img.height, targetTransform: (t) => ["ant", "bee"][t], allowEmpty: true });
    expect(ds.length).toBe(2);
    expect(await ds.get(0)).toEqual({ input: 6, target: "ant" });
  });

  it("an image that does not decode rejects with CorruptDataset naming the file", async () => {
    const root = join(dir, "broken");
    put(join(root, "ants", "truncated.jpg"), jpg(8, 8, [1, 2, 3]).subarray(0, 100));
    const ds = await imageFolder(root);
    const e = await ds.get(0).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(CorruptDataset);
    expect((e as CorruptDataset).file).toBe(join(root, "ants", "truncated.jpg"));
    expect((e as CorruptDataset).message).toContain("JPEG does not decode");
    await expect(ds.get(1)).rejects.toThrow("ImageFolder: index 1 is out of range for 1 samples");
  });

  it("missing root, no class folders, and a class without images are DatasetNotFound", async () => {
    expect((await failure(loadImageFolder(join(dir, "nope")))).message).toContain("No such folder");
    const flat = join(dir, "flat");
    mkdirSync(flat);
    writeFileSync(join(flat, "x.jpg"), jpg(1, 1, [0, 0, 0]));
    const e = await failure(loadImageFolder(flat));
    expect(e).toBeInstanceOf(DatasetNotFound);
    expect(e.message).toContain("Couldn't find any class folder");
    const noBees = join(dir, "nobees");
    put(join(noBees, "ants", "a.png"), png(1, 1, [0, 0, 0, 255]));
    put(join(noBees, "bees", "readme.txt"), "");
    expect((await failure(loadImageFolder(noBees))).message).toContain("Found no valid file for the classes bees. Supported extensions are: .jpg, .jpeg, .png");
  });
});

describe("readImage", () => {
  it("reads one file as the curriculum's Image.open(path)", async () => {
    const img = await readImage(join(train, "ants", "0013035.jpg"));
    expect([img.height, img.width, img.channels]).toEqual([8, 8, 3]);
    await expect(readImage(join(train, "ants", "notes.txt"))).rejects.toThrow("not a JPEG or PNG file");
  });
});
