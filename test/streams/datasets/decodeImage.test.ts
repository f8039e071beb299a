// Tests for decodeImage against PIL's Image.open(...).convert("RGB") on the same PNG/JPEG bytes (fixtures by gen_datasets.py).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CorruptDataset, decodeImage } from "../../../src/streams/datasets/index.js";
import { crc32 } from "../../../src/io/_crc32.js";

interface ImageCase {
  readonly name: string;
  readonly file: string;
  readonly shape: [number, number, number];
  readonly rgb: number[];
}
const { images } = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/datasets.json", import.meta.url)), "utf8")) as { images: ImageCase[] };
const bytesOf = (c: ImageCase): Uint8Array => new Uint8Array(Buffer.from(c.file, "base64"));

describe("decodeImage matches PIL's convert('RGB')", () => {
  for (const c of images) {
    it(c.name, () => {
      const image = decodeImage(bytesOf(c), { source: c.name });
      expect([image.height, image.width, image.channels]).toEqual(c.shape);
      const diffs = Array.from(image.data, (v, i) => Math.abs(v - c.rgb[i]!));
      const worst = Math.max(...diffs);
      const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
      // PNG is lossless: exact. JPEG decoders round the inverse DCT differently (jpeg-js vs libjpeg): within 2 levels.
      // With 4:2:0 chroma, libjpeg interpolates the half-resolution chroma ("fancy upsampling") and jpeg-js repeats it,
      // so colours differ more at edges; the documented known difference, bounded here.
      const [maxDiff, meanDiff] = c.name.startsWith("png") ? [0, 0] : c.name.endsWith("420") ? [16, 4] : [2, 1];
      expect(worst, `largest difference from PIL in ${c.name}`).toBeLessThanOrEqual(maxDiff);
      expect(mean, `mean difference from PIL in ${c.name}`).toBeLessThanOrEqual(meanDiff);
    });
  }
});

describe("decodeImage errors name the source and the problem", () => {
  const png = bytesOf(images.find((c) => c.name === "png-rgb")!);
  const jpg = bytesOf(images.find((c) => c.name === "jpeg-rgb-420")!);

  it("a truncated PNG", () => {
    expect(() => decodeImage(png.subarray(0, png.length - 30), { source: "ants/1.png" })).toThrow(
      /^ants\/1\.png: corrupt PNG: truncated: chunk 1 \(IDAT\) at byte 33 declares \d+ data bytes, but the file ends \d+ bytes after its header$/,
    );
    expect(() => decodeImage(png.subarray(0, png.length - 12), { source: "a.png" })).toThrow("a.png: corrupt PNG: truncated: the file ends after 2 chunks, without the IEND chunk");
  });

  /** `png` with `edit` applied to a copy, and the CRC of the chunk at `chunkAt` recomputed when `reseal`. */
  const edited = (edit: (b: Uint8Array) => void, chunkAt?: number): Uint8Array => {
    const b = png.slice();
    edit(b);
    if (chunkAt !== undefined) {
      const view = new DataView(b.buffer);
      const length = view.getUint32(chunkAt, false);
      view.setUint32(chunkAt + 8 + length, crc32(b.subarray(chunkAt + 4, chunkAt + 8 + length)), false);
    }
    return b;
  };

  it("a corrupt PNG says what is wrong in PNG's terms, not the decoder's", () => {
    const error = (b: Uint8Array): string => {
      try {
        decodeImage(b, { source: "x.png" });
      } catch (e) {
        expect(e).toBeInstanceOf(CorruptDataset);
        return (e as Error).message;
      }
      throw new Error("expected decodeImage to throw");
    };
    expect(error(edited((b) => (b[45]! ^= 0xff)))).toBe("x.png: corrupt PNG: chunk 1 (IDAT) at byte 33: CRC mismatch (the chunk is corrupt)");
    expect(error(edited((b) => b.fill(0, 41, 60), 33))).toMatch(/^x\.png: corrupt PNG: the compressed image data \(IDAT\) does not decode \(/);
    expect(error(edited((b) => new DataView(b.buffer).setUint32(16, 0), 8))).toBe(`x.png: corrupt PNG: IHDR: invalid size 0×${new DataView(png.buffer, png.byteOffset).getUint32(20)}`);
    expect(error(edited((b) => (b[24] = 3), 8))).toBe("x.png: corrupt PNG: IHDR: invalid colour type 2 with bit depth 3");
    // The signature and IHDR (bytes 0..33), then the IEND chunk (the last 12 bytes): no pixels.
    expect(error(Uint8Array.of(...png.subarray(0, 33), ...png.subarray(png.length - 12)))).toBe("x.png: corrupt PNG: no IDAT chunk: the file holds no image data");
  });

  it("a truncated JPEG (never a partially grey image)", () => {
    expect(() => decodeImage(jpg.subarray(0, Math.floor(jpg.length / 2)), { source: "bees/2.jpg" })).toThrow(/^bees\/2\.jpg: JPEG does not decode: /);
  });

  it("bytes that are neither", () => {
    expect(() => decodeImage(new TextEncoder().encode("GIF89a..."), { source: "x.jpg" })).toThrow(
      "x.jpg: not a JPEG or PNG file (it starts with bytes 47 49 46 38 39 61 2e 2e; JPEG starts ff d8 ff, PNG 89 50 4e 47)",
    );
    expect(() => decodeImage(new Uint8Array(0), { source: "empty.png" })).toThrow("(empty file)");
  });
});
