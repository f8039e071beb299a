// Creating tensors: from nested arrays or typed arrays, and the constant/range factories (zeros, arange, eye, ...).
import { Tensor, type NestedArray } from "./Tensor.js";
import type { Backend } from "./backend.js";
import { allocFor, dtypeOfArray, type AnyTypedArray, type DType } from "./dtype.js";
import { checkShape, numel, shapeStr, type Shape } from "./_shape.js";
import { defaultDevice } from "./device.js";

export interface CreateOptions {
  readonly dtype?: DType;
  readonly device?: Backend;
}

/** Wraps host data already in the right typed array as a tensor on a device. */
export const fromTyped = (data: AnyTypedArray, shape: Shape, { dtype, device }: CreateOptions = {}): Tensor => {
  const dt = dtype ?? dtypeOfArray(data);
  checkShape("tensor", shape);
  if (numel(shape) !== data.length)
    throw new Error(`tensor: ${data.length} values cannot fill shape ${shapeStr(shape)} (${numel(shape)} elements)`);
  const src = dtypeOfArray(data) === dt ? data : allocFor(dt, data.length);
  if (src !== data) for (let i = 0; i < data.length; i++) src[i] = dt === "bool" ? (data[i] ? 1 : 0) : dt === "int32" ? Math.trunc(data[i]!) : data[i]!;
  const dev = device ?? defaultDevice();
  return new Tensor(dev.upload(src, dt), shape, dt, dev);
};

const inferShape = (x: NestedArray): number[] => {
  const shape: number[] = [];
  let cur: NestedArray = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
  }
  return shape;
};

const flattenNested = (x: NestedArray, shape: number[], out: number[], depth: number, path: string): void => {
  if (depth === shape.length) {
    if (Array.isArray(x)) throw new Error(`tensor: ragged nested array at ${path || "top level"}: expected a number`);
    if (typeof x !== "number" && typeof x !== "boolean") throw new Error(`tensor: expected a number at ${path || "top level"}, got ${typeof x}`);
    out.push(+x);
    return;
  }
  if (!Array.isArray(x) || x.length !== shape[depth])
    throw new Error(`tensor: ragged nested array at ${path || "top level"}: expected ${shape[depth]} elements, got ${Array.isArray(x) ? x.length : "a number"}`);
  x.forEach((v, i) => flattenNested(v, shape, out, depth + 1, `${path}[${i}]`));
};

/**
 * Makes a tensor from nested arrays, a number, or a typed array (with an optional shape).
 * Numbers give float32 (JavaScript cannot tell 1 from 1.0) and booleans give bool, unless `dtype` says otherwise.
 * @example
 * tensor([[1, 2], [3, 4]], { dtype: "float32" });
 */
export const tensor = (data: NestedArray | AnyTypedArray, opts: CreateOptions & { readonly shape?: Shape } = {}): Tensor => {
  if (ArrayBuffer.isView(data)) return fromTyped(data, opts.shape ?? [data.length], opts);
  const shape = inferShape(data);
  const flat: number[] = [];
  flattenNested(data, shape, flat, 0, "");
  const isBool = flat.length > 0 && inferLeafIsBool(data);
  const dtype = opts.dtype ?? (isBool ? "bool" : "float32");
  const arr = allocFor(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) arr[i] = dtype === "int32" ? Math.trunc(flat[i]!) : flat[i]!;
  return fromTyped(arr, opts.shape ?? shape, { dtype, device: opts.device });
};

const inferLeafIsBool = (x: NestedArray): boolean => (Array.isArray(x) ? inferLeafIsBool(x[0] as NestedArray) : typeof x === "boolean");

/** A 0-d tensor holding one number. */
export const scalar = (value: number | boolean, opts: CreateOptions = {}): Tensor =>
  fromTyped(fillArray(opts.dtype ?? (typeof value === "boolean" ? "bool" : "float32"), 1, +value), [], opts);

const fillArray = (dtype: DType, n: number, value: number): AnyTypedArray => allocFor(dtype, n).fill(value);

/** A tensor of `shape` filled with `value` (float32 unless a dtype is given). */
export const full = (shape: Shape, value: number | boolean, opts: CreateOptions = {}): Tensor => {
  checkShape("full", shape);
  const dtype = opts.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  return fromTyped(fillArray(dtype, numel(shape), +value), shape, { ...opts, dtype });
};

/** Zeros of `shape`. */
export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
/** Ones of `shape`. */
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);

const like = (t: Tensor, opts: CreateOptions): CreateOptions => ({ dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device });
/** A tensor shaped like `t` filled with `value`. */
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor => full(t.shape, value, like(t, opts));
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 0, like(t, opts));
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 1, like(t, opts));

/**
 * Values from `start` to `end` (exclusive) by `step`, like torch.arange; one argument means `arange(0, end)`.
 * @example
 * arange(4); // tensor([0, 1, 2, 3])
 */
export const arange = (start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor => {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32");
  const arr = allocFor(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return fromTyped(arr, [n], { ...opts, dtype });
};

/** `steps` evenly spaced values from `start` to `end` inclusive, like torch.linspace. */
export const linspace = (start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor => {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const arr = new Float32Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so that the last value is exactly `end`.
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < halfway ? start + step * i : end - step * (steps - 1 - i);
  return fromTyped(arr, [steps], { ...opts, dtype: opts.dtype ?? "float32" });
};

/** The n×m identity matrix. */
export const eye = (n: number, m = n, opts: CreateOptions = {}): Tensor => {
  const dtype = opts.dtype ?? "float32";
  const arr = allocFor(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  return fromTyped(arr, [n, m], { ...opts, dtype });
};
