// Basic indexing with Python/PyTorch semantics: slice (x[i, :, a:b:c]), narrow, select and flip, all on the strided `slice` primitive.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { normAxes, normAxis, shapeStr } from "./_shape.js";

/** A Python slice `start:end:step`; omitted or null parts take Python's defaults. */
export type SliceRange = readonly [start?: number | null, end?: number | null, step?: number | null];

/** One axis of an index: a number selects (and drops the axis), null keeps the whole axis, a range slices. */
export type SliceSpec = number | null | SliceRange;

const checkInt = (op: string, what: string, v: number): void => {
  if (!Number.isInteger(v)) throw new Error(`${op}: ${what} must be an integer, got ${v}`);
};

/**
 * The strided slice of one axis (begin inclusive, end exclusive, any non-zero step), other axes whole.
 * Used by pad and flip; bounds are trusted.
 */
export const sliceAxis = (x: Tensor, axis: number, begin: number, end: number, step = 1): Tensor =>
  applyPrim("slice", [x], {
    begin: x.shape.map((_, i) => (i === axis ? begin : 0)),
    end: x.shape.map((d, i) => (i === axis ? end : d)),
    step: x.shape.map((_, i) => (i === axis ? step : 1)),
  });

/** An index into an axis of size n, negative counting from the end, checked like PyTorch. */
const normIndex = (op: string, i: number, n: number, axis: number): number => {
  checkInt(op, "index", i);
  if (i < -n || i >= n) throw new Error(`${op}: index ${i} is out of range for dimension ${axis} of size ${n}`);
  return i < 0 ? i + n : i;
};

// Python's slice.indices for a positive step: negative bounds count from the end, then clamp into [0, n].
const clampBound = (v: number, n: number): number => (v < 0 ? Math.max(0, v + n) : Math.min(v, n));

/**
 * Indexes like `x[...]` in PyTorch: one spec per leading axis, the rest kept whole.
 * @example
 * slice(x, [0, null, [1, null, 2]]); // x[0, :, 1::2]
 */
export const slice = (x: Tensor, specs: readonly SliceSpec[]): Tensor => {
  if (specs.length > x.ndim)
    throw new Error(`slice: too many indices (${specs.length}) for a tensor of shape ${shapeStr(x.shape)}`);
  const begin = x.shape.map(() => 0);
  const end = [...x.shape];
  const step = x.shape.map(() => 1);
  const keep: number[] = [];
  x.shape.forEach((n, d) => {
    const s = specs[d];
    if (typeof s === "number") {
      begin[d] = normIndex("slice", s, n, d);
      end[d] = begin[d]! + 1;
      return;
    }
    keep.push(d);
    if (s === null || s === undefined) return;
    if (!Array.isArray(s) || s.length > 3)
      throw new Error(`slice: spec for dimension ${d} must be a number, null or [start, end, step], got ${JSON.stringify(s)}`);
    const [b, e, st] = s as SliceRange;
    const k = st ?? 1;
    checkInt("slice", "step", k);
    if (k <= 0) throw new Error(`slice: step must be positive (use flip to reverse), got ${k} for dimension ${d}`);
    if (b !== null && b !== undefined) checkInt("slice", "start", b);
    if (e !== null && e !== undefined) checkInt("slice", "end", e);
    begin[d] = b === null || b === undefined ? 0 : clampBound(b, n);
    end[d] = Math.max(begin[d]!, e === null || e === undefined ? n : clampBound(e, n));
    step[d] = k;
  });
  const whole = x.shape.every((n, d) => begin[d] === 0 && end[d] === n && step[d] === 1);
  const y = whole ? x : applyPrim("slice", [x], { begin, end, step });
  return keep.length === x.ndim ? y : applyPrim("reshape", [y], { shape: keep.map((d) => y.shape[d]!) });
};

/** The `length` elements of axis `dim` starting at `start` (negative counts from the end), like torch.narrow. */
export const narrow = (x: Tensor, dim: number, start: number, length: number): Tensor => {
  const d = normAxis("narrow", dim, x.ndim);
  const n = x.shape[d]!;
  checkInt("narrow", "start", start);
  checkInt("narrow", "length", length);
  if (start < -n || start > n) throw new Error(`narrow: start ${start} is out of range for dimension ${dim} of size ${n}`);
  const s = start < 0 ? start + n : start;
  if (length < 0 || s + length > n)
    throw new Error(`narrow: start ${start} + length ${length} exceeds dimension ${dim} of size ${n} (shape ${shapeStr(x.shape)})`);
  return s === 0 && length === n ? x : sliceAxis(x, d, s, s + length);
};

/** The slice at `index` along `dim`, with that axis removed (torch.select). */
export const select = (x: Tensor, dim: number, index: number): Tensor => {
  const d = normAxis("select", dim, x.ndim);
  const i = normIndex("select", index, x.shape[d]!, d);
  const y = sliceAxis(x, d, i, i + 1);
  return applyPrim("reshape", [y], { shape: x.shape.filter((_, k) => k !== d) });
};

/**
 * Reverses the order of elements along the given axes (torch.flip).
 * @example
 * flip(arange(4), 0); // tensor([3, 2, 1, 0])
 */
export const flip = (x: Tensor, dims: number | readonly number[]): Tensor => {
  const axes = normAxes("flip", dims, x.ndim);
  if (axes.every((a) => x.shape[a]! <= 1)) return x;
  // One negative-step slice over all flipped axes: begin at the last element, stop before index 0.
  return applyPrim("slice", [x], {
    begin: x.shape.map((n, i) => (axes.includes(i) ? n - 1 : 0)),
    end: x.shape.map((n, i) => (axes.includes(i) ? -1 : n)),
    step: x.shape.map((_, i) => (axes.includes(i) ? -1 : 1)),
  });
};
