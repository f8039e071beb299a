// Samples across a worker boundary: tensors become plain {dtype, shape, data} records for structured cloning and back.
import { Tensor } from "../ops/Tensor.js";
import { fromTyped } from "../ops/creation.js";
import type { AnyTypedArray, DType } from "../ops/dtype.js";

const TAG = "__rivuletTensor";

interface Wire {
  readonly [TAG]: true;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: AnyTypedArray;
}

const isWire = (x: unknown): x is Wire => typeof x === "object" && x !== null && (x as Record<string, unknown>)[TAG] === true;

const isPlain = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/** A structured-clonable copy of a sample: every tensor replaced by its host data. */
export const toWire = (x: unknown): unknown => {
  if (x instanceof Tensor) return { [TAG]: true, dtype: x.dtype, shape: [...x.shape], data: x.dataSync().slice() };
  if (Array.isArray(x)) return x.map(toWire);
  if (isPlain(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toWire(v)]));
  return x;
};

/** The sample `toWire` encoded, with tensors rebuilt on the default device. */
export const fromWire = (x: unknown): unknown => {
  if (isWire(x)) return fromTyped(x.data, x.shape, { dtype: x.dtype });
  if (Array.isArray(x)) return x.map(fromWire);
  if (isPlain(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fromWire(v)]));
  return x;
};
