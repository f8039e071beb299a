// Tests for image grids: SVG parsed as XML (tiles, titles), embedded tiles and PNG output decoded by pngjs, errors.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { tensor } from "../../src/index.js";
import { imageGridSvg, showImages } from "../../src/sinks/index.js";
import { findAll, parseXml } from "./_xml.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-grid-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Three 2×2 grayscale images in [0, 1] (ToTensor's range), as [N, 1, H, W].
const images = tensor([[[[0, 1], [0.5, 1]]], [[[1, 1], [1, 1]]], [[[0, 0], [0, 0.2]]]]);
const titles = ["t-shirt", "ankle boot", "a <b> & 'c'"];

const tiles = (svg: string) => findAll(parseXml(svg), (e) => e.name === "image");
const decodeHref = (href: string) => PNG.sync.read(Buffer.from(href.replace(/^data:image\/png;base64,/, ""), "base64"));

describe("imageGridSvg", () => {
  it("lays out one tile per image with its title, as d2l's show_images", () => {
    const svg = imageGridSvg(images, { titles, numRows: 2, numCols: 2, scale: 10 });
    const root = parseXml(svg);
    const t = tiles(svg);
    expect(t).toHaveLength(3);
    expect(findAll(root, (e) => e.name === "text").map((e) => e.text)).toEqual(titles);
    expect(t.map((e) => [e.attributes.width, e.attributes.height])).toEqual([["20", "20"], ["20", "20"], ["20", "20"]]);
    // A 2 × 2 grid of 20-pixel tiles, each with 4 pixels of padding around and a 16-pixel title.
    expect([root.attributes.width, root.attributes.height]).toEqual(["56", "88"]);
    expect(t.map((e) => [e.attributes.x, e.attributes.y])).toEqual([["4", "20"], ["32", "20"], ["4", "64"]]);
  });

  it("embeds each image's pixels, mapped from [0, 1] to 0..255", () => {
    const [first, , third] = tiles(imageGridSvg(images)).map((e) => decodeHref(e.attributes.href!));
    expect([first!.width, first!.height]).toEqual([2, 2]);
    expect([0, 1, 2, 3].map((p) => first!.data[4 * p])).toEqual([0, 255, 128, 255]);
    expect([0, 1, 2, 3].map((p) => third!.data[4 * p])).toEqual([0, 0, 0, 51]);
  });

  it("stretches each image to its own range with normalize, as imshow does", () => {
    const third = decodeHref(tiles(imageGridSvg(images, { normalize: true }))[2]!.attributes.href!);
    expect([0, 1, 2, 3].map((p) => third.data[4 * p])).toEqual([0, 0, 0, 255]);
  });

  it("accepts [N, H, W] and int32 images in 0..255", () => {
    const svg = imageGridSvg(tensor([[[0, 255], [51, 102]]], { dtype: "int32" }));
    expect([0, 1, 2, 3].map((p) => decodeHref(tiles(svg)[0]!.attributes.href!).data[4 * p])).toEqual([0, 255, 51, 102]);
  });

  it("rejects bad shapes, title counts and grids that are too small", () => {
    expect(() => imageGridSvg(tensor([1, 2]))).toThrow("imageGrid: expected images of shape [N, 1, H, W], [N, 3, H, W] or [N, H, W], got [2]");
    expect(() => imageGridSvg(images, { titles: ["one"] })).toThrow("imageGrid: got 1 titles for 3 images; pass one per image");
    expect(() => imageGridSvg(images, { numRows: 1, numCols: 2 })).toThrow("imageGrid: 3 images do not fit a 1 × 2 grid");
  });
});

describe("showImages", () => {
  it("writes a PNG of the grid's size whose tiles show the images", async () => {
    const path = join(dir, "samples.png");
    await showImages(path, images, { titles, numRows: 1, numCols: 3, scale: 10 });
    const png = PNG.sync.read(readFileSync(path));
    expect([png.width, png.height]).toEqual([3 * 28, 44]);
    const gray = (x: number, y: number) => png.data[4 * (y * png.width + x)];
    // Tile 2 (all ones) is white; tile 1's top-left pixel is black; tile 3's bottom-right is 0.2.
    expect([gray(4 + 5, 20 + 5), gray(32 + 5, 20 + 5), gray(60 + 15, 20 + 15)]).toEqual([0, 255, 51]);
  });

  it("creates missing folders on the way to the file", async () => {
    const path = join(dir, "run", "images", "samples.svg");
    await showImages(path, images);
    expect(tiles(readFileSync(path, "utf8"))).toHaveLength(3);
  });

  it("writes an SVG and rejects other extensions, naming the file", async () => {
    const path = join(dir, "samples.svg");
    await showImages(path, images);
    expect(tiles(readFileSync(path, "utf8"))).toHaveLength(3);
    await expect(showImages(join(dir, "x.gif"), images)).rejects.toMatchObject({
      _tag: "SinkError",
      message: `saveImageGrid: ${join(dir, "x.gif")}: the file name must end in .svg or .png, which decides the format`,
    });
  });
});
