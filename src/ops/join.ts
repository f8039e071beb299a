// Joining and splitting along an axis: cat/concat and stack (on the concat primitive), split and chunk (torch semantics, on slices).
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { promoteTypes } from "./dtype.js";
import { normAxis, shapeStr } from "./_shape.js";
import { cast } from "./elementwise.js";
import { reshape } from "./layout.js";
import { sliceAxis } from "./slicing.js";

const checkList = (op: string, xs: readonly Tensor[]): void => {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error(`${op}: expected a non-empty list of tensors`);
};

/**
 * Concatenates tensors along `axis`; they must agree on every other dimension (dtypes promote, as torch.cat).
 * @example
 * cat([ones([2, 3]), zeros([1, 3])]).shape; // [3, 3]
 */
export const cat = (xs: readonly Tensor[], axis = 0): Tensor => {
  checkList("cat", xs);
  const first = xs[0]!;
  if (first.ndim === 0) throw new Error("cat: zero-dimensional tensors cannot be concatenated (use stack)");
  const a = normAxis("cat", axis, first.ndim);
  const bad = xs.some((x) => x.ndim !== first.ndim || x.shape.some((d, i) => i !== a && d !== first.shape[i]));
  if (bad)
    throw new Error(`cat: shapes ${xs.map((x) => shapeStr(x.shape)).join(", ")} must match except in dimension ${axis}`);
  const dtype = xs.map((x) => x.dtype).reduce(promoteTypes);
  const parts = xs.map((x) => cast(x, dtype));
  return parts.length === 1 ? parts[0]! : applyPrim("concat", parts, { axis: a });
};

/** Alias of `cat` (torch.concat). */
export const concat = cat;

/**
 * Joins equally shaped tensors along a new axis (torch.stack).
 * @example
 * stack([x, y], 1); // [n] and [n] → [n, 2]
 */
export const stack = (xs: readonly Tensor[], axis = 0): Tensor => {
  checkList("stack", xs);
  const shape = xs[0]!.shape;
  if (xs.some((x) => x.ndim !== shape.length || x.shape.some((d, i) => d !== shape[i])))
    throw new Error(`stack: all tensors must have the same shape, got ${xs.map((x) => shapeStr(x.shape)).join(", ")}`);
  const a = normAxis("stack", axis, shape.length + 1);
  const grown = [...shape.slice(0, a), 1, ...shape.slice(a)];
  return cat(xs.map((x) => reshape(x, grown)), a);
};

const piecesOf = (x: Tensor, a: number, sizes: readonly number[]): Tensor[] => {
  if (sizes.length === 1) return [x];
  let at = 0;
  return sizes.map((s) => sliceAxis(x, a, at, (at += s)));
};

/**
 * Splits into pieces of `sizeOrSections` elements along `axis` (the last may be smaller), or into the
 * listed sizes, which must sum to the axis length (torch.split).
 * @example
 * split(arange(5), 2); // [tensor([0, 1]), tensor([2, 3]), tensor([4])]
 */
export const split = (x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] => {
  if (x.ndim === 0) throw new Error("split: cannot split a zero-dimensional tensor");
  const a = normAxis("split", axis, x.ndim);
  const n = x.shape[a]!;
  if (typeof sizeOrSections === "number") {
    const s = sizeOrSections;
    if (!Number.isInteger(s) || s < 0) throw new Error(`split: split size must be a non-negative integer, got ${s}`);
    if (s === 0 && n !== 0) throw new Error(`split: split size can only be 0 if dimension ${axis} has size 0, but it has size ${n}`);
    if (n === 0) return [x];
    const count = Math.ceil(n / s);
    return piecesOf(x, a, Array.from({ length: count }, (_, i) => Math.min(s, n - i * s)));
  }
  const sizes = sizeOrSections;
  if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((t, s) => t + s, 0) !== n)
    throw new Error(`split: sizes [${sizes.join(", ")}] must be non-negative integers summing to ${n} (dimension ${axis} of shape ${shapeStr(x.shape)})`);
  return piecesOf(x, a, sizes);
};

/** Splits into at most `chunks` pieces of ceil(n / chunks) elements along `axis` (torch.chunk). */
export const chunk = (x: Tensor, chunks: number, axis = 0): Tensor[] => {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: number of chunks must be a positive integer, got ${chunks}`);
  if (x.ndim === 0) throw new Error("chunk: cannot chunk a zero-dimensional tensor");
  const a = normAxis("chunk", axis, x.ndim);
  const n = x.shape[a]!;
  // torch.chunk gives `chunks` empty pieces for an empty axis, and otherwise splits by the rounded-up size.
  if (n === 0) return Array.from({ length: chunks }, () => x);
  return split(x, Math.ceil(n / chunks), a);
};
