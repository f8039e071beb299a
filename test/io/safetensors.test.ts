// Tests for encodeSafetensors/decodeSafetensors: round trips, files from the independent Python writer, corrupt input.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  arange, cpuDevice, decodeSafetensors, encodeSafetensors, encodeSafetensorsAsync, full, key, randn, scalar, tensor, zeros,
  type Tensor,
} from "../../src/index.js";
import { decodeElements, encodeElements } from "../../src/io/_dtypes.js";
import { SafetensorsError } from "../../src/io/SafetensorsError.js";
import { expectClose, type TensorJson } from "../_harness.js";

const fixture = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../fixtures/safetensors/${name}`, import.meta.url)));

interface FixtureFile {
  readonly metadata: Record<string, string>;
  readonly tensors: Record<string, { readonly file_dtype: string; readonly expected: TensorJson | null }>;
}
const expected = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/safetensors.json", import.meta.url)), "utf8")) as {
  files: Record<string, FixtureFile>;
};

/** Asserts two tensors are identical: shape, dtype and every bit (NaN payloads and -0 included). */
const expectIdentical = (a: Tensor, b: Tensor, label: string): void => {
  expect([a.dtype, [...a.shape]], label).toEqual([b.dtype, [...b.shape]]);
  const da = a.dataSync();
  const db = b.dataSync();
  // Buffer.equals rather than toEqual: deep equality over a megabyte of elements takes seconds.
  expect(Buffer.from(da.buffer, da.byteOffset, da.byteLength).equals(Buffer.from(db.buffer, db.byteOffset, db.byteLength)), `${label} bytes`).toBe(true);
};

const roundTrip = (tensors: Record<string, Tensor>, metadata?: Record<string, string>) => decodeSafetensors(encodeSafetensors(tensors, metadata));

/** A file from a header text (padded with spaces to 8 bytes) and a byte buffer. */
const fileFrom = (header: string, data: Uint8Array | number = 0): Uint8Array => {
  const json = new TextEncoder().encode(header);
  const padded = Math.ceil(json.length / 8) * 8;
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + padded + body.length).fill(0x20, 8, 8 + padded);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.set(body, 8 + padded);
  return out;
};

const decodeError = (bytes: Uint8Array): string => {
  try {
    decodeSafetensors(bytes, { source: "bad.safetensors" });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected decodeSafetensors to throw");
};

describe("safetensors round trips", () => {
  it("keeps every dtype, 0-d and empty tensors bit for bit", () => {
    const tensors = {
      w: randn(key(0), [3, 4]),
      special: tensor(new Float32Array([NaN, -0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38])),
      idx: tensor([-2147483648, -1, 0, 2147483647], { dtype: "int32" }),
      mask: tensor([[true, false, true]]),
      s: scalar(2.5),
      si: scalar(7, { dtype: "int32" }),
      sb: scalar(true),
      empty: zeros([2, 0, 3]),
      emptyI: zeros([0], { dtype: "int32" }),
      emptyB: zeros([0, 1], { dtype: "bool" }),
    };
    const { tensors: back, metadata } = roundTrip(tensors);
    expect(metadata).toEqual({});
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) expectIdentical(back[name]!, t, name);
  });

  it("keeps metadata and awkward names (unicode, quotes, __proto__, the empty name)", () => {
    const metadata = { format: "pt", "ключ": "значение ✓", quote: 'a "b" \\ c\n' };
    // fromEntries, because "__proto__" in an object literal would set the prototype instead.
    const tensors = Object.fromEntries([["", scalar(1)], ["__proto__", scalar(2)], ['a"b', scalar(3)], ["größe.ß", scalar(4)]]);
    const back = roundTrip(tensors, metadata);
    expect(back.metadata).toEqual(metadata);
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
    for (const [name, t] of Object.entries(tensors)) expectIdentical(back.tensors[name]!, t, name);
  });

  it("round-trips a large-ish tensor quickly", () => {
    const big = randn(key(1), [512, 512]);
    const t0 = performance.now();
    const bytes = encodeSafetensors({ big });
    const back = decodeSafetensors(bytes).tensors.big!;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(bytes.length).toBe(8 + 72 + 512 * 512 * 4); // 66 header bytes padded to 72
    expectIdentical(back, big, "big");
  });

  it("lays files out as the reference writer does: alignment order, then names, padded header", () => {
    const bytes = encodeSafetensors({ b: tensor([true]), z: arange(2), a: tensor([1, 2]), c: arange(1) }, { k: "v" });
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const json =
      '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"c":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"z":{"dtype":"I32","shape":[2],"data_offsets":[12,20]},' +
      '"b":{"dtype":"BOOL","shape":[1],"data_offsets":[20,21]}}';
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n))).toBe(json.padEnd(Math.ceil(json.length / 8) * 8, " "));
    // An empty record with no metadata is the smallest valid file.
    expect([...encodeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  });

  it("encodeSafetensorsAsync gives the same bytes", async () => {
    const tensors = { x: randn(key(2), [5]), i: arange(3) };
    expect(await encodeSafetensorsAsync(tensors, { a: "b" })).toEqual(encodeSafetensors(tensors, { a: "b" }));
  });

  it("creates tensors on the requested device", () => {
    const t = decodeSafetensors(encodeSafetensors({ x: arange(2) }), { device: cpuDevice }).tensors.x!;
    expect(t.device).toBe(cpuDevice);
  });

  it("reads and writes correctly on a big-endian host too", () => {
    const src = new Float32Array([1.5, -2, NaN]);
    const le = new Uint8Array(12);
    encodeElements(src, le, 0, false);
    const out = new Uint8Array(12);
    encodeElements(src, out, 0, true);
    expect(le).toEqual(out);
    expect(decodeElements("F32", le, 0, 3, "t", false)).toEqual(src);
    const ints = new Uint8Array(8);
    encodeElements(new Int32Array([-5, 70000]), ints, 0, false);
    expect(decodeElements("I32", ints, 0, 2, "t", false)).toEqual(new Int32Array([-5, 70000]));
  });
});

describe("files from the independent Python writer (torch tensors)", () => {
  for (const [file, spec] of Object.entries(expected.files)) {
    if (file === "i64-overflow.safetensors") continue;
    it(`reads ${file}`, () => {
      const { tensors, metadata } = decodeSafetensors(fixture(file), { source: file });
      expect(metadata).toEqual(spec.metadata);
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(spec.tensors).sort());
      for (const [name, { expected: want, file_dtype }] of Object.entries(spec.tensors)) {
        const t = tensors[name]!;
        expect(t.dtype, `${name} (${file_dtype})`).toBe(want!.dtype);
        expectClose(t, want!, { atol: 0, rtol: 0 }, `${file}:${name} (${file_dtype})`);
      }
    });
  }

  it("converts F16/F64 edge values exactly as torch's .float() does (signed zeros, subnormals, overflow)", () => {
    const { tensors } = decodeSafetensors(fixture("dtypes.safetensors"));
    const f16 = tensors.f16!.dataSync();
    expect(Object.is(f16[4], -0)).toBe(true);
    expect(f16[3]).toBe(2 ** -24);
    const f64 = tensors.f64!.dataSync();
    expect(Object.is(f64[1], -0)).toBe(true);
    expect(f64[2]).toBe(Infinity);
    expect(f64[0]).toBe(Math.fround(1 / 3));
  });

  it("re-encodes a PyTorch state dict byte for byte", () => {
    const bytes = fixture("mlp.safetensors");
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(Buffer.from(encodeSafetensors(tensors, metadata)).equals(bytes)).toBe(true);
  });

  it("refuses I64 values outside int32, naming the file, tensor and value", () => {
    expect(() => decodeSafetensors(fixture("i64-overflow.safetensors"), { source: "i64-overflow.safetensors" })).toThrow(
      'decodeSafetensors: i64-overflow.safetensors: tensor "big": element 1 is 2147483648, outside int32 [-2147483648, 2147483647]; rivulet reads I64 as int32',
    );
  });
});

describe("corrupt safetensors input", () => {
  const good = encodeSafetensors({ w: full([2, 2], 1), i: arange(3) });
  const entry = (name: string, dtype: string, shape: number[], offsets: number[]) =>
    `"${name}":{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":${JSON.stringify(offsets)}}`;

  const cases: [string, Uint8Array, string][] = [
    ["an empty file", new Uint8Array(0), "bad.safetensors: file is 0 bytes, too short for the 8-byte header length"],
    ["a file truncated inside the header", good.subarray(0, 40), "bad.safetensors: header length 112 runs past the end of the file (40 bytes; truncated?)"],
    ["a file truncated inside the data", good.subarray(0, good.length - 3),
      'bad.safetensors: tensor "i": data_offsets [16, 28] run past the end of the byte buffer (25 bytes after the header; truncated?)'],
    ["a header length beyond 100 MB", (() => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, 200_000_000n, true); return b; })(),
      "bad.safetensors: header length 200000000 exceeds the 100 MB limit"],
    ["a header length of 2^64 - 1", (() => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true); return b; })(),
      "bad.safetensors: header length 18446744073709551615 exceeds the 100 MB limit"],
    ["invalid UTF-8", (() => { const b = good.slice(); b[10] = 0xff; return b; })(), "bad.safetensors: header is not valid UTF-8"],
    ["invalid JSON", fileFrom(`{${entry("w", "F32", [1], [0, 4])}`, 4), "bad.safetensors: header is not valid JSON ("],
    ["a JSON array header", fileFrom("[1, 2]"), "bad.safetensors: header must be a JSON object, got an array"],
    ["a missing field", fileFrom('{"w":{"dtype":"F32","shape":[1]}}', 4),
      'bad.safetensors: tensor "w" field "data_offsets": expected [begin, end] (two non-negative integers), got nothing (the field is missing)'],
    ["a tensor entry that is not an object", fileFrom('{"w":3}'), 'bad.safetensors: tensor "w": expected '],
    ["a wrong dtype string", fileFrom(`{${entry("w", "F33", [1], [0, 4])}}`, 4),
      'bad.safetensors: tensor "w" field "dtype": expected one of BOOL | F4 |'],
    ["a dtype rivulet cannot read", fileFrom(`{${entry("w", "U16", [2], [0, 4])}}`, 4),
      'bad.safetensors: tensor "w": dtype U16 is valid safetensors but rivulet cannot read it (readable: BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64)'],
    ["a negative dimension", fileFrom(`{${entry("w", "F32", [2, -1], [0, 4])}}`, 4),
      'bad.safetensors: tensor "w" field "shape"[1]: expected a non-negative integer, got -1'],
    ["a fractional offset", fileFrom(`{${entry("w", "F32", [1], [0, 4.5])}}`, 4),
      'bad.safetensors: tensor "w" field "data_offsets"[1]: expected a non-negative integer, got 4.5'],
    ["offsets that end before they begin", fileFrom(`{${entry("w", "F32", [0], [4, 0])}}`, 4),
      'bad.safetensors: tensor "w": data_offsets [4, 0] end before they begin'],
    ["a numel mismatch", fileFrom(`{${entry("w", "F32", [3], [0, 8])}}`, 8),
      'bad.safetensors: tensor "w": data_offsets [0, 8] span 8 bytes, but shape [3] of F32 needs 12 (3 elements × 4 bytes)'],
    ["an absurd shape", fileFrom(`{${entry("w", "F32", [2 ** 40, 2 ** 20], [0, 8])}}`, 8),
      'bad.safetensors: tensor "w": shape [1099511627776, 1048576] has too many elements to address'],
    ["out-of-bounds offsets", fileFrom(`{${entry("w", "F32", [4], [0, 16])}}`, 8),
      'bad.safetensors: tensor "w": data_offsets [0, 16] run past the end of the byte buffer (8 bytes after the header; truncated?)'],
    ["overlapping offsets", fileFrom(`{${entry("a", "F32", [2], [0, 8])},${entry("b", "F32", [2], [4, 12])}}`, 12),
      'bad.safetensors: tensor "b": data_offsets [4, 12] overlap tensor "a" [0, 8]'],
    ["a hole between tensors", fileFrom(`{${entry("a", "F32", [1], [0, 4])},${entry("b", "F32", [1], [8, 12])}}`, 12),
      'bad.safetensors: bytes [4, 8) of the byte buffer belong to no tensor (the next is "b"); the format forbids holes'],
    ["trailing bytes (a polyglot file)", fileFrom(`{${entry("a", "F32", [1], [0, 4])}}`, 9),
      "bad.safetensors: the byte buffer has 9 bytes but the tensors cover only 4; the format forbids trailing bytes"],
    ["a duplicate tensor name", fileFrom(`{${entry("a", "F32", [1], [0, 4])},${entry("a", "F32", [1], [0, 4])}}`, 4),
      'bad.safetensors: header repeats the key "a" (the format forbids duplicate keys)'],
    ["a duplicate metadata key, escaped differently", fileFrom('{"__metadata__":{"k":"1","\\u006b":"2"}}'),
      'bad.safetensors: header repeats the key "__metadata__.k"'],
    ["a non-string metadata value", fileFrom('{"__metadata__":{"epoch":3}}'),
      'bad.safetensors: header "__metadata__" field "epoch": expected a string, got 3'],
  ];
  // What serde's usize and the reference reader's checked products reject, though JSON.parse and doubles would accept it.
  cases.push(
    ["an offset written 16.0", fileFrom('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16.0]}}', 16),
      'bad.safetensors: tensor "w" field "data_offsets"[1]: expected a non-negative integer, got 16.0 (sizes and offsets are written without a fraction or exponent)'],
    ["a size written 4e0", fileFrom('{"w":{"dtype":"F32","shape":[1, 4e0],"data_offsets":[0,16]}}', 16),
      'bad.safetensors: tensor "w" field "shape"[1]: expected a non-negative integer, got 4e0'],
    ["a shape whose product overflows 64 bits before a zero", fileFrom(`{${entry("w", "F32", [2 ** 32, 2 ** 32, 0], [0, 0])}}`),
      'bad.safetensors: tensor "w": shape [4294967296, 4294967296, 0]: the product of its sizes overflows 64 bits'],
    ["a shape whose byte size overflows 64 bits", fileFrom(`{${entry("w", "F64", [2 ** 31, 2 ** 31, 2], [0, 0])}}`),
      'bad.safetensors: tensor "w": shape [2147483648, 2147483648, 2] of F64: its size in bytes overflows 64 bits'],
    ["a 50,000-deep value (shown briefly, no stack overflow)", fileFrom(`{"w":${"[".repeat(50_000)}${"]".repeat(50_000)}}`),
      'bad.safetensors: tensor "w": expected an object { dtype, shape, data_offsets }, got [[[[...]]]]'],
    ["a 50,000-deep shape element", fileFrom(`{"w":{"dtype":"F32","shape":[${"[".repeat(50_000)}${"]".repeat(50_000)}],"data_offsets":[0,0]}}`),
      'bad.safetensors: tensor "w" field "shape"[0]: expected a non-negative integer, got [[[[...]]]]'],
  );
  for (const [what, bytes, message] of cases)
    it(`rejects ${what}`, () => expect(decodeError(bytes)).toContain(`decodeSafetensors: ${message}`));

  it("accepts a zero before sizes whose product would overflow, and floats in fields it ignores, as the reference reader does", () => {
    const text = `{"w":{"dtype":"F32","shape":[0,${2 ** 32},${2 ** 32}],"data_offsets":[0,0],"extra":1.5}}`;
    expect(decodeSafetensors(fileFrom(text)).tensors.w!.shape).toEqual([0, 2 ** 32, 2 ** 32]);
  });

  it("throws a SafetensorsError naming the source", () => {
    try {
      decodeSafetensors(fileFrom("[1]"), { source: "bad.safetensors" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SafetensorsError);
      expect((e as SafetensorsError).file).toBe("bad.safetensors");
    }
  });

  it("accepts what the reference reader accepts: JSON whitespace around the header, null metadata, extra fields", () => {
    const text = `\n\t {"__metadata__":null,"w":{"dtype":"F32","shape":[],"data_offsets":[0,4],"extra":1}}\r\n`;
    const { tensors, metadata } = decodeSafetensors(fileFrom(text, new Uint8Array(new Float32Array([5]).buffer)));
    expect(metadata).toEqual({});
    expect(tensors.w!.item()).toBe(5);
  });

  it("validates what it encodes", () => {
    const x = scalar(1);
    expect(() => encodeSafetensors({ __metadata__: x })).toThrow('encodeSafetensors: "__metadata__" is reserved by the safetensors format');
    expect(() => encodeSafetensors({ x: 3 as unknown as Tensor })).toThrow('encodeSafetensors: "x" is number, not a Tensor');
    expect(() => encodeSafetensors([x] as unknown as Record<string, Tensor>)).toThrow("encodeSafetensors: expected a record of tensors by name, got an array");
    expect(() => encodeSafetensors({ x }, { epoch: 3 as unknown as string })).toThrow('encodeSafetensors: metadata "epoch" is number; safetensors metadata values must be strings');
    expect(() => encodeSafetensors({ "\ud800": x })).toThrow("is not valid Unicode (lone surrogate)");
  });
});
