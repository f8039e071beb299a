// The recording format: JSON lines — a header, one line per value (its index, the value with tensors as dtype, shape and
// base64 bytes, a CRC-32), an end marker with the record count and its own CRC-32.
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { Tensor } from "../ops/Tensor.js";
import { fromTyped } from "../ops/creation.js";
import type { DType } from "../ops/dtype.js";
import { shapeStr } from "../ops/_shape.js";
import { describeErrors } from "./_ioErrors.js";

export const FORMAT = "rivulet.recording";

/** The version written: 2 added the record index, the per-line checksum and the end marker's count. */
export const VERSION = 2;

/** The first line of every recording. */
export const Header = t.type({ format: t.literal(FORMAT), version: t.number }, `a header { format: "${FORMAT}", version }`);

/** Whether a parsed line is a value line: exactly the keys `i`, `v` and `crc`. */
export const isValueLine = (x: unknown): x is { i: unknown; v: unknown } =>
  typeof x === "object" && x !== null && !Array.isArray(x) && "v" in x && Object.keys(x).every((k) => k === "i" || k === "v" || k === "crc");

const Count = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer");

/** The last line: how the recorded stream ended and how many records precede it. */
export const End = t.union([
  t.strict({ end: t.keyof({ complete: null, unsubscribed: null }), count: Count, crc: t.string }, "an end line { end, count }"),
  t.strict({ end: t.literal("error"), message: t.string, name: t.string, count: Count, crc: t.string }, "an error end line { end, message, name, count }"),
], "a value line { i, v } or an end line { end, count }");

const Dims = t.readonlyArray(t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, "a non-negative integer"), "an array of non-negative integers");
const TensorNode = t.strict({ dtype: t.keyof({ float32: null, int32: null, bool: null }, "float32 | int32 | bool"), shape: Dims, data: t.string }, "a tensor { dtype, shape, data }");
const NumberNode = t.keyof({ NaN: null, Infinity: null, "-Infinity": null, "-0": null }, `"NaN" | "Infinity" | "-Infinity" | "-0"`);

const ITEMSIZE: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isPlain = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

const child = (path: string, k: string | number): string => (typeof k === "number" ? `${path}[${k}]` : `${path}.${k}`);

/** A value as JSON: raw JSON where it is exact, tagged one-key objects otherwise (`t` tensor, `n` number, `r` record, `u` undefined). */
export const encodeValue = (x: unknown, path = "value"): unknown => {
  if (x === null || typeof x === "boolean" || typeof x === "string") return x;
  if (x === undefined) return { u: 1 };
  if (typeof x === "number") return Number.isFinite(x) && !Object.is(x, -0) ? x : { n: Object.is(x, -0) ? "-0" : String(x) };
  if (x instanceof Tensor) {
    const data = x.dataSync();
    // Bytes in the platform's order, which is little-endian on every platform Node runs on.
    return { t: { dtype: x.dtype, shape: [...x.shape], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") } };
  }
  if (Array.isArray(x)) return x.map((v, i) => encodeValue(v, child(path, i)));
  if (isPlain(x)) return { r: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, encodeValue(v, child(path, k))])) };
  const what = typeof x === "object" ? (x as object).constructor?.name ?? "object" : typeof x;
  throw new Error(`field ${path}: cannot record ${what} (accepted: tensors, numbers, strings, booleans, null, undefined, and arrays or plain records of them)`);
};

/** Thrown by `decodeValue`: what is wrong and where in the value. */
export class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const decodeTensor = (node: unknown, path: string): Tensor => {
  const r = TensorNode.decode(node);
  if (isLeft(r)) throw new FieldError(path, describeErrors(r.left, `${path} (tensor)`));
  const { dtype, shape, data } = r.right;
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw new FieldError(path, `field ${path}: tensor data is not valid base64`);
  const bytes = Buffer.from(data, "base64");
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * ITEMSIZE[dtype])
    throw new FieldError(path, `field ${path}: tensor data is ${bytes.length} bytes, but ${dtype} ${shapeStr(shape)} needs ${count * ITEMSIZE[dtype]}`);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const typed = dtype === "float32" ? new Float32Array(copy.buffer) : dtype === "int32" ? new Int32Array(copy.buffer) : copy;
  if (dtype === "bool" && copy.some((b) => b > 1)) throw new FieldError(path, `field ${path}: bool tensor data holds bytes other than 0 and 1`);
  return fromTyped(typed, shape, { dtype });
};

/** The value `encodeValue` encoded; throws a FieldError naming the field at the first thing that is wrong. */
export const decodeValue = (x: unknown, path = "value"): unknown => {
  if (x === null || typeof x === "boolean" || typeof x === "string" || typeof x === "number") return x;
  if (Array.isArray(x)) return x.map((v, i) => decodeValue(v, child(path, i)));
  if (!isPlain(x)) throw new FieldError(path, `field ${path}: unexpected ${typeof x}`);
  const keys = Object.keys(x);
  if (keys.length !== 1 || !["t", "n", "r", "u"].includes(keys[0]!))
    throw new FieldError(path, `field ${path}: expected a tagged object with one key t (tensor), n (number), r (record) or u (undefined), got keys {${keys.join(", ")}}`);
  switch (keys[0]) {
    case "t":
      return decodeTensor(x.t, path);
    case "n": {
      const r = NumberNode.decode(x.n);
      if (isLeft(r)) throw new FieldError(path, describeErrors(r.left, `${path} (number)`));
      return r.right === "-0" ? -0 : Number(r.right);
    }
    case "u":
      return undefined;
    default: {
      if (!isPlain(x.r)) throw new FieldError(path, `field ${path}: a record must hold an object, got ${JSON.stringify(x.r)?.slice(0, 40)}`);
      return Object.fromEntries(Object.entries(x.r).map(([k, v]) => [k, decodeValue(v, child(path, k))]));
    }
  }
};
