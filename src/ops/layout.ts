// Shape ops that keep every element: reshape/view, flatten, transpose, permute, expand, squeeze, unsqueeze.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { broadcastShapes, normAxes, normAxis, numel, sameShape, shapeStr, type Shape } from "./_shape.js";

/**
 * The same elements in a new shape; one dimension may be -1 (inferred).
 * @example
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 */
export const reshape = (x: Tensor, shape: Shape): Tensor => {
  const infer = shape.filter((d) => d === -1).length;
  if (infer > 1 || shape.some((d) => !Number.isInteger(d) || d < -1))
    throw new Error(`reshape: invalid shape ${shapeStr(shape)} (at most one -1, other dimensions non-negative integers)`);
  const known = numel(shape.filter((d) => d !== -1));
  const target = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (numel(target) !== x.size || target.some((d) => !Number.isInteger(d)))
    throw new Error(`reshape: shape ${shapeStr(shape)} is invalid for input of size ${x.size} (shape ${shapeStr(x.shape)})`);
  return sameShape(target, x.shape) ? x : applyPrim("reshape", [x], { shape: target });
};

/** Flattens dimensions startDim..endDim (inclusive) into one. */
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normAxis("flatten", startDim, x.ndim);
  const e = normAxis("flatten", endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
};

/** Reorders axes: output axis i is input axis perm[i]. */
export const permute = (x: Tensor, perm: readonly number[]): Tensor => {
  if (perm.length !== x.ndim)
    throw new Error(`permute: got ${perm.length} axes [${perm.join(", ")}] for a tensor of shape ${shapeStr(x.shape)}`);
  const p = perm.map((a) => normAxis("permute", a, x.ndim));
  if (new Set(p).size !== p.length) throw new Error(`permute: repeated axis in [${perm.join(", ")}]`);
  if (p.every((a, i) => a === i)) return x;
  // Moving only size-1 axes never changes the element order, so a reshape suffices.
  const moved = p.filter((a) => x.shape[a] !== 1);
  if (moved.every((a, i) => i === 0 || a > moved[i - 1]!)) return applyPrim("reshape", [x], { shape: p.map((a) => x.shape[a]!) });
  return applyPrim("permute", [x], { perm: p });
};

/** Swaps two axes (the last two by default). */
export const transpose = (x: Tensor, dim0 = -2, dim1 = -1): Tensor => {
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normAxis("transpose", dim0, x.ndim);
  const b = normAxis("transpose", dim1, x.ndim);
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
};

/** Broadcasts to `shape` (a -1 keeps that dimension), like torch.Tensor.expand. */
export const expand = (x: Tensor, shape: Shape): Tensor => {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand shape ${shapeStr(x.shape)} to fewer dimensions ${shapeStr(shape)}`);
  const target = shape.map((d, i) => (d === -1 ? (i < lead ? -1 : x.shape[i - lead]!) : d));
  target.forEach((d, i) => {
    const own = i < lead ? 1 : x.shape[i - lead]!;
    if (d < 0 || !Number.isInteger(d) || (own !== 1 && own !== d))
      throw new Error(`expand: shape ${shapeStr(x.shape)} cannot be expanded to ${shapeStr(shape)} (dimension ${i}: ${own} vs ${d})`);
  });
  return sameShape(target, x.shape) ? x : applyPrim("expand", [x], { shape: target });
};

/** Broadcasts to `shape` with NumPy rules. */
export const broadcastTo = (x: Tensor, shape: Shape): Tensor => {
  const b = broadcastShapes("broadcastTo", x.shape, shape);
  if (!sameShape(b, shape)) throw new Error(`broadcastTo: shape ${shapeStr(x.shape)} cannot be broadcast to ${shapeStr(shape)}`);
  return expand(x, shape);
};

/** Removes size-1 axes (all of them, or the given ones that have size 1). */
export const squeeze = (x: Tensor, axis?: number | readonly number[]): Tensor => {
  const axes = axis === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normAxes("squeeze", axis, x.ndim);
  return reshape(x, x.shape.filter((d, i) => !(axes.includes(i) && d === 1)));
};

/** Inserts a size-1 axis at `axis` (which may be -1 for the end). */
export const unsqueeze = (x: Tensor, axis: number): Tensor => {
  const a = normAxis("unsqueeze", axis, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
};
