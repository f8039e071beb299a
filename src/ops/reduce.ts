// Reductions over one or several axes with keepdim: sum, mean, prod, max, min, arg-reductions, var/std, logsumexp, norm, cumsum.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { normAxes, normAxis, sameShape, shapeStr, type Shape } from "./_shape.js";
import type { ReduceOp } from "./primitive.js";
import * as E from "./elementwise.js";
import { detach } from "./detach.js";
import { scalar } from "./creation.js";

export interface ReduceOptions {
  /** Keep reduced axes as size-1 dimensions (PyTorch's keepdim); default false. */
  readonly keepdim?: boolean;
}

type Axes = number | readonly number[] | undefined;

/**
 * The axes a reduction covers: all when omitted or given as an empty list (PyTorch 1.13's `dim=[]`), and
 * none for a 0-d tensor, whose axis 0 / -1 PyTorch accepts as the identity.
 */
const reductionAxes = (name: string, axis: Axes, ndim: number): number[] => {
  if (typeof axis === "object" && axis !== null && !Array.isArray(axis))
    throw new Error(`${name}: axis must be a number or an array of numbers, got ${JSON.stringify(axis)}`);
  const axes = normAxes(name, typeof axis === "object" && axis.length === 0 ? undefined : axis, ndim);
  return ndim === 0 ? [] : axes;
};

const dropAxes = (shape: Shape, axes: readonly number[]): number[] => shape.filter((_, i) => !axes.includes(i));

const finish = (x: Tensor, r: Tensor, axes: readonly number[], keepdim: boolean): Tensor =>
  keepdim || axes.length === 0 ? r : applyPrim("reshape", [r], { shape: dropAxes(x.shape, axes) });

const reduceOp = (op: ReduceOp, x: Tensor, axis: Axes, { keepdim = false }: ReduceOptions, name: string = op): Tensor => {
  const axes = reductionAxes(name, axis, x.ndim);
  if ((op === "max" || op === "min") && axes.some((a) => x.shape[a] === 0))
    throw new Error(`${name}: cannot reduce over an empty dimension of shape ${shapeStr(x.shape)} (axes [${axes.join(", ")}])`);
  // Sums and products of bools count in int32; max/min of bools stay bool, as in PyTorch.
  const input = x.dtype === "bool" && (op === "sum" || op === "prod") ? E.cast(x, "int32") : x;
  return finish(x, applyPrim("reduce", [input], { op, axes }), axes, keepdim);
};

/**
 * Sum over `axis` (all axes when omitted); bool and int32 sum to int32.
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 0); // tensor([4., 6.])
 */
export const sum = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("sum", x, axis, opts);
/** Product over `axis` (all axes when omitted); the gradient is exact where elements are 0. */
export const prod = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("prod", x, axis, opts);
/**
 * Maximum over one or several axes (all when omitted), as torch.amax: ties share the gradient evenly.
 * @example
 * amax(tensor([[1, 5], [5, 2]]), [0, 1]); // tensor(5.), each 5 gets half the gradient
 */
export const amax = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("max", x, axis, opts, "amax");
/** Minimum over one or several axes (all when omitted), as torch.amin: ties share the gradient evenly. */
export const amin = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("min", x, axis, opts, "amin");

/** The maxima or minima along one axis and where they are (torch.return_types.max / min). */
export interface ValuesIndices {
  readonly values: Tensor;
  /** int32 positions along the axis: the first of equal values, or of NaNs, which win as in PyTorch. */
  readonly indices: Tensor;
}

/** Values and indices along one axis: the index is argmax/argmin's, the value is gathered there so its gradient goes to that index alone. */
const extremumAlong = (op: "max" | "min", x: Tensor, dim: number, keepdim: boolean): ValuesIndices => {
  if (x.ndim === 0) {
    normAxis(op, dim, 1);
    return { values: x, indices: scalar(0, { dtype: "int32", device: x.device }) };
  }
  const a = normAxis(op, dim, x.ndim);
  if (x.shape[a] === 0) throw new Error(`${op}: cannot reduce over an empty dimension of shape ${shapeStr(x.shape)} (dim ${dim})`);
  const idx = applyPrim("argReduce", [x], { op: op === "max" ? "argmax" : "argmin", axis: a });
  const values = applyPrim("gather", [x, idx], { axis: a });
  return { values: finish(x, values, [a], keepdim), indices: finish(x, idx, [a], keepdim) };
};

/**
 * As torch.max: of all elements without `dim` (ties share the gradient), or `{ values, indices }` along `dim`, where
 * the whole gradient goes to the returned index. An axis list reduces like `amax` (kept for earlier callers).
 * @example
 * max(x);                          // a 0-d tensor
 * const { values, indices } = max(logits, 1); // per row: the largest logit and its class
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
/** @deprecated An axis list or undefined reduces like `amax`; call `amax` for that. */
export function max(x: Tensor, axes: readonly number[] | undefined, opts?: ReduceOptions): Tensor;
export function max(x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor | ValuesIndices {
  return typeof axis === "number" ? extremumAlong("max", x, axis, opts.keepdim ?? false) : reduceOp("max", x, axis, opts);
}

/**
 * As torch.min: of all elements without `dim` (ties share the gradient), or `{ values, indices }` along `dim`, where
 * the whole gradient goes to the returned index. An axis list reduces like `amin` (kept for earlier callers).
 * @example
 * const { values, indices } = min(distances, 1); // the nearest centre of each point
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, opts?: ReduceOptions): ValuesIndices;
/** @deprecated An axis list or undefined reduces like `amin`; call `amin` for that. */
export function min(x: Tensor, axes: readonly number[] | undefined, opts?: ReduceOptions): Tensor;
export function min(x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor | ValuesIndices {
  return typeof axis === "number" ? extremumAlong("min", x, axis, opts.keepdim ?? false) : reduceOp("min", x, axis, opts);
}

/** Number of elements reduced over `axes`. */
const countOf = (x: Tensor, axes: readonly number[]): number => axes.reduce((n, a) => n * x.shape[a]!, 1);

/** Arithmetic mean over `axis` (all axes when omitted). */
export const mean = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => {
  const axes = reductionAxes("mean", axis, x.ndim);
  return E.div(sum(E.cast(x, "float32"), axes, opts), countOf(x, axes));
};

const argOp = (op: "argmax" | "argmin", x: Tensor, axis: number | undefined, { keepdim = false }: ReduceOptions): Tensor => {
  if (x.size === 0) throw new Error(`${op}: cannot take ${op} of an empty tensor (shape ${shapeStr(x.shape)})`);
  if (axis === undefined) {
    const flat = applyPrim("reshape", [x], { shape: [x.size] });
    const r = applyPrim("argReduce", [flat], { op, axis: 0 });
    return applyPrim("reshape", [r], { shape: keepdim ? x.shape.map(() => 1) : [] });
  }
  const a = normAxis(op, axis, x.ndim);
  if (x.ndim === 0) return argOp(op, x, undefined, { keepdim: false });
  return finish(x, applyPrim("argReduce", [x], { op, axis: a }), [a], keepdim);
};

/** Index of the maximum along `axis` (of the flattened tensor when omitted); first on ties. */
export const argmax = (x: Tensor, axis?: number, opts: ReduceOptions = {}): Tensor => argOp("argmax", x, axis, opts);
/** Index of the minimum along `axis` (of the flattened tensor when omitted); first on ties. */
export const argmin = (x: Tensor, axis?: number, opts: ReduceOptions = {}): Tensor => argOp("argmin", x, axis, opts);

export interface VarOptions extends ReduceOptions {
  /** Subtracted from the count in the divisor: 1 (default) is the unbiased estimator, 0 the population variance. */
  readonly correction?: number;
}

/** Variance over `axis` (unbiased by default, as torch.var). */
export const variance = (x: Tensor, axis?: Axes, { correction = 1, keepdim = false }: VarOptions = {}): Tensor => {
  const axes = reductionAxes("var", axis, x.ndim);
  const xf = E.cast(x, "float32");
  const d = E.sub(xf, mean(xf, axes, { keepdim: true }));
  return E.div(sum(E.mul(d, d), axes, { keepdim }), Math.max(0, countOf(x, axes) - correction));
};

/** Standard deviation over `axis` (unbiased by default, as torch.std). */
export const std = (x: Tensor, axis?: Axes, opts: VarOptions = {}): Tensor => E.sqrt(variance(x, axis, opts));

/** log(sum(exp(x))) over `axis`, computed stably by shifting by the maximum. */
export const logsumexp = (x: Tensor, axis?: Axes, { keepdim = false }: ReduceOptions = {}): Tensor => {
  const axes = reductionAxes("logsumexp", axis, x.ndim);
  const xf = E.cast(x, "float32");
  // An empty slice sums to 0, so its logsumexp is -inf; there is no maximum to shift by.
  if (axes.some((a) => x.shape[a] === 0)) return E.log(sum(E.exp(xf), axes, { keepdim }));
  const m0 = detach(amax(xf, axes, { keepdim: true }));
  // An all -inf slice would give inf - inf = NaN; shift by 0 there instead.
  const m = E.where(E.eq(E.abs(m0), Infinity), 0, m0);
  const r = E.add(E.log(sum(E.exp(E.sub(xf, m)), axes, { keepdim: true })), m);
  return finish(x, r, axes, keepdim);
};

export interface NormOptions extends ReduceOptions {
  /** The order: 2 (default, Euclidean/Frobenius), 1, Infinity, or any positive number. */
  readonly p?: number;
}

/** s^(1/p) with a zero gradient where s = 0, as PyTorch's norm gradient at a zero vector (the double-where trick). */
const safeRoot = (s: Tensor, p: number): Tensor => {
  const isZero = E.eq(s, 0);
  const safe = E.where(isZero, 1, s);
  return E.where(isZero, 0, p === 2 ? E.sqrt(safe) : E.pow(safe, 1 / p));
};

/** Vector p-norm over `axis` (all elements when omitted), as torch.linalg.vector_norm. */
export const norm = (x: Tensor, axis?: Axes, { p = 2, keepdim = false }: NormOptions = {}): Tensor => {
  if (typeof p !== "number" || !(p > 0)) throw new Error(`norm: order p must be a positive number or Infinity, got ${p}`);
  const a = E.abs(E.cast(x, "float32"));
  if (p === Infinity) return amax(a, axis, { keepdim });
  if (p === 1) return sum(a, axis, { keepdim });
  if (p === 2) return safeRoot(sum(E.mul(a, a), axis, { keepdim }), 2);
  return safeRoot(sum(E.pow(a, p), axis, { keepdim }), p);
};

/** Cumulative sum along `axis` (from the end when `reverse`); bools count in int32. */
export const cumsum = (x: Tensor, axis: number, { reverse = false }: { reverse?: boolean } = {}): Tensor => {
  const a = normAxis("cumsum", axis, x.ndim);
  const input = x.dtype === "bool" ? E.cast(x, "int32") : x;
  // A 0-d tensor is its own cumulative sum (PyTorch accepts axis 0 / -1 there).
  return x.ndim === 0 ? input : applyPrim("cumsum", [input], { axis: a, reverse });
};

/** Sums a broadcast result back down to `shape` (the adjoint of broadcasting). */
export const sumToShape = (g: Tensor, shape: Shape): Tensor => {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const r = axes.length ? applyPrim("reduce", [g], { op: "sum", axes }) : g;
  return applyPrim("reshape", [r], { shape });
};
