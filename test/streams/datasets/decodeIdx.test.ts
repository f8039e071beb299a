// Tests for decodeIdx: every IDX element type, big-endian dimensions, and each kind of corrupt file.
import { describe, expect, it } from "vitest";
import { decodeIdx } from "../../../src/streams/datasets/index.js";
import { idx } from "./_fixtures.js";

describe("decodeIdx", () => {
  it("reads uint8 images and labels with their big-endian dimensions", () => {
    const images = decodeIdx(idx(0x803, [2, 3, 258], Uint8Array.from({ length: 2 * 3 * 258 }, (_, i) => i % 256)), { magic: 0x803 });
    expect([images.type, images.shape, images.data.length, images.data[257]]).toEqual(["uint8", [2, 3, 258], 1548, 1]);
    expect(decodeIdx(idx(0x801, [3], Uint8Array.of(9, 0, 4))).data).toEqual(Uint8Array.of(9, 0, 4));
  });

  it("reads multi-byte big-endian elements (int16, int32, float32, float64) and int8", () => {
    const body = new Uint8Array(8);
    new DataView(body.buffer).setInt32(0, -5, false);
    new DataView(body.buffer).setInt32(4, 70000, false);
    expect(Array.from(decodeIdx(idx(0x0c01, [2], body)).data)).toEqual([-5, 70000]);
    const f = new Uint8Array(4);
    new DataView(f.buffer).setFloat32(0, 1.5, false);
    expect(Array.from(decodeIdx(idx(0x0d01, [1], f)).data)).toEqual([1.5]);
    const d = new Uint8Array(8);
    new DataView(d.buffer).setFloat64(0, -2.25, false);
    expect(Array.from(decodeIdx(idx(0x0e01, [1], d)).data)).toEqual([-2.25]);
    expect(Array.from(decodeIdx(idx(0x0b01, [1], Uint8Array.of(0xff, 0xfe))).data)).toEqual([-2]);
    expect(Array.from(decodeIdx(idx(0x0901, [2], Uint8Array.of(0xff, 1))).data)).toEqual([-1, 1]);
  });

  it("names the source and the problem for bad magic, wrong kind, truncated and oversized data", () => {
    const source = "train-images-idx3-ubyte";
    expect(() => decodeIdx(idx(0x801, [1], Uint8Array.of(1)), { source, magic: 0x803 })).toThrow(
      "train-images-idx3-ubyte: bad magic number 0x00000801, expected 0x00000803 (IDX images)",
    );
    expect(() => decodeIdx(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0, 0, 0), { source })).toThrow("not an IDX file");
    expect(() => decodeIdx(Uint8Array.of(0, 0), { source })).toThrow("truncated IDX file: 2 bytes");
    expect(() => decodeIdx(Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 1), { source })).toThrow("truncated IDX header: 3 dimensions need 16 bytes, the file has 8");
    expect(() => decodeIdx(idx(0x803, [2, 2, 2], new Uint8Array(7)), { source })).toThrow(
      "train-images-idx3-ubyte: truncated data: the header declares uint8 [2, 2, 2] = 8 data bytes (24 in all), the file has 23 bytes",
    );
    expect(() => decodeIdx(idx(0x801, [2], new Uint8Array(3)), { source })).toThrow("trailing bytes after the data");
  });
});
