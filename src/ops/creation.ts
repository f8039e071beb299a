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

const TYPED = "Float32Array, Int32Array or Uint8Array";

/** Wraps host data already in the right typed array as a tensor on a device. */
export const fromTyped = (data: AnyTypedArray, shape: Shape, { dtype, device }: CreateOptions = {}, op = "tensor"): Tensor => {
  if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array))
    throw new Error(`${op}: unsupported typed array ${Object.prototype.toString.call(data).slice(8, -1)} (use ${TYPED})`);
  const dt = dtype ?? dtypeOfArray(data);
  checkDtype(op, dt);
  checkShape(op, shape);
  if (numel(shape) !== data.length)
    throw new Error(`${op}: ${data.length} values cannot fill shape ${shapeStr(shape)} (${numel(shape)} elements)`);
  const src = dtypeOfArray(data) === dt ? data : allocFor(dt, data.length);
  // Bool storage holds only 0/1 (NaN counts as true, as in PyTorch); ints truncate toward zero.
  if (src !== data) for (let i = 0; i < data.length; i++) src[i] = dt === "bool" ? (data[i] !== 0 ? 1 : 0) : dt === "int32" ? Math.trunc(data[i]!) : data[i]!;
  const dev = device ?? defaultDevice();
  return new Tensor(dev.upload(src, dt), shape, dt, dev);
};

const checkDtype = (op: string, dtype: DType): void => {
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool")
    throw new Error(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected float32, int32 or bool)`);
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

const flattenNested = (x: NestedArray, shape: number[], out: (number | boolean)[], depth: number, path: string): void => {
  if (depth === shape.length) {
    if (Array.isArray(x)) throw new Error(`tensor: ragged nested array at ${path || "top level"}: expected a number, got an array of ${x.length}`);
    if (typeof x !== "number" && typeof x !== "boolean")
      throw new Error(`tensor: expected a number or boolean at ${path || "top level"}, got ${x === null ? "null" : typeof x}`);
    out.push(x);
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
  const flat: (number | boolean)[] = [];
  flattenNested(data, shape, flat, 0, "");
  // Only all-boolean data is bool; mixed booleans and numbers are numbers (true = 1), as torch.tensor does.
  const dtype = opts.dtype ?? (flat.length > 0 && flat.every((v) => typeof v === "boolean") ? "bool" : "float32");
  checkDtype("tensor", dtype);
  const arr = allocFor(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = +flat[i]!;
    arr[i] = dtype === "bool" ? (v !== 0 ? 1 : 0) : dtype === "int32" ? Math.trunc(v) : v;
  }
  if (opts.shape && numel(opts.shape) !== flat.length)
    throw new Error(`tensor: shape ${shapeStr(opts.shape)} does not fit the ${flat.length} values of nested data of shape ${shapeStr(shape)}`);
  return fromTyped(arr, opts.shape ?? shape, { dtype, device: opts.device });
};

/** A 0-d tensor holding one number. */
export const scalar = (value: number | boolean, opts: CreateOptions = {}): Tensor => filled("scalar", [], value, opts);

/** `shape` filled with `value` in `opts.dtype` (float32 for numbers, bool for booleans by default). */
const filled = (op: string, shape: Shape, value: number | boolean, opts: CreateOptions): Tensor => {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of dimensions, got ${JSON.stringify(shape)}`);
  checkShape(op, shape);
  if (typeof value !== "number" && typeof value !== "boolean") throw new Error(`${op}: fill value must be a number or boolean, got ${typeof value}`);
  const dtype = opts.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  checkDtype(op, dtype);
  const v = dtype === "bool" ? (+value !== 0 ? 1 : 0) : dtype === "int32" ? Math.trunc(+value) : +value;
  return fromTyped(allocFor(dtype, numel(shape)).fill(v), shape, { ...opts, dtype }, op);
};

/** A tensor of `shape` filled with `value` (float32 unless a dtype is given). */
export const full = (shape: Shape, value: number | boolean, opts: CreateOptions = {}): Tensor => filled("full", shape, value, opts);

/** Zeros of `shape`. */
export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => filled("zeros", shape, 0, opts);
/** Ones of `shape`. */
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => filled("ones", shape, 1, opts);

const like = (t: Tensor, opts: CreateOptions): CreateOptions => ({ dtype: opts.dtype ?? t.dtype, device: opts.device ?? t.device });
/** A tensor shaped like `t` filled with `value` (same dtype and device unless given). */
export const fullLike = (t: Tensor, value: number | boolean, opts: CreateOptions = {}): Tensor => filled("fullLike", t.shape, value, like(t, opts));
/** Zeros shaped like `t` (same dtype and device unless given). */
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => filled("zerosLike", t.shape, 0, like(t, opts));
/** Ones shaped like `t` (same dtype and device unless given). */
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => filled("onesLike", t.shape, 1, like(t, opts));

/**
 * Values from `start` to `end` (exclusive) by `step`, like torch.arange; one argument means `arange(0, end)`.
 * All-integer arguments give int32 (torch's int64), otherwise float32.
 * @example
 * arange(4); // tensor([0, 1, 2, 3])
 */
export const arange = (start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor => {
  if (end === undefined) [start, end] = [0, start];
  for (const [k, v] of [["start", start], ["end", end], ["step", step]] as const)
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`arange: ${k} must be a finite number, got ${v}`);
  if (step === 0) throw new Error("arange: step must be nonzero");
  if ((end - start) * step < 0)
    throw new Error(`arange: the range from ${start} to ${end} is inconsistent with the sign of step ${step}`);
  // Like torch, the length and the values are computed in double precision, then stored.
  const n = Math.ceil((end - start) / step);
  const dtype = opts.dtype ?? ([start, end, step].every(Number.isInteger) ? "int32" : "float32");
  checkDtype("arange", dtype);
  const arr = allocFor(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return fromTyped(arr, [n], { ...opts, dtype }, "arange");
};

/** `steps` evenly spaced values from `start` to `end` inclusive, like torch.linspace (float32 by default). */
export const linspace = (start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor => {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`linspace: start and end must be finite, got ${start} and ${end}`);
  const dtype = opts.dtype ?? "float32";
  checkDtype("linspace", dtype);
  const arr = new Float32Array(steps);
  // As torch: a float32 step, each value one fused multiply-add rounded to float32 (the double product
  // here is exact), and the second half filled back from `end` so that the last value is exactly `end`.
  const f = Math.fround;
  const s0 = f(start);
  const s1 = f(end);
  const step = steps > 1 ? f((s1 - s0) / (steps - 1)) : 0;
  const halfway = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < halfway ? s0 + step * i : s1 - step * (steps - 1 - i);
  return fromTyped(arr, [steps], { ...opts, dtype }, "linspace");
};

/** The n×m identity matrix (float32 by default). */
export const eye = (n: number, m = n, opts: CreateOptions = {}): Tensor => {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 0 || m < 0)
    throw new Error(`eye: sizes must be non-negative integers, got n=${n}, m=${m}`);
  const dtype = opts.dtype ?? "float32";
  checkDtype("eye", dtype);
  const arr = allocFor(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  return fromTyped(arr, [n, m], { ...opts, dtype }, "eye");
};
