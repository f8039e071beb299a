// Reductions over one or several axes with keepdim: sum, mean, prod, max, min, arg-reductions, var/std, logsumexp, norm, cumsum.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { normAxes, normAxis, sameShape, shapeStr, type Shape } from "./_shape.js";
import type { ReduceOp } from "./primitive.js";
import * as E from "./elementwise.js";
import { detach } from "./detach.js";

export interface ReduceOptions {
  /** Keep reduced axes as size-1 dimensions (PyTorch's keepdim); default false. */
  readonly keepdim?: boolean;
}

type Axes = number | readonly number[] | undefined;

const dropAxes = (shape: Shape, axes: readonly number[]): number[] => shape.filter((_, i) => !axes.includes(i));

const finish = (name: string, x: Tensor, r: Tensor, axes: readonly number[], keepdim: boolean): Tensor =>
  keepdim || axes.length === 0 ? r : applyPrim("reshape", [r], { shape: dropAxes(x.shape, axes) });

const reduceOp = (op: ReduceOp, x: Tensor, axis: Axes, { keepdim = false }: ReduceOptions, name: string = op): Tensor => {
  const axes = normAxes(name, axis, x.ndim);
  if ((op === "max" || op === "min") && axes.some((a) => x.shape[a] === 0))
    throw new Error(`${name}: cannot reduce an empty dimension of shape ${shapeStr(x.shape)}`);
  const input = x.dtype === "bool" ? E.cast(x, "int32") : x;
  return finish(name, x, applyPrim("reduce", [input], { op, axes }), axes, keepdim);
};

/**
 * Sum over `axis` (all axes when omitted).
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 0); // tensor([4., 6.])
 */
export const sum = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("sum", x, axis, opts);
/** Product over `axis` (all axes when omitted). */
export const prod = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("prod", x, axis, opts);
/** Maximum over `axis` (torch.amax); ties share the gradient. */
export const max = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("max", x, axis, opts);
/** Minimum over `axis` (torch.amin); ties share the gradient. */
export const min = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => reduceOp("min", x, axis, opts);

/** Number of elements reduced over `axes`. */
const countOf = (x: Tensor, axes: readonly number[]): number => axes.reduce((n, a) => n * x.shape[a]!, 1);

/** Arithmetic mean over `axis` (all axes when omitted). */
export const mean = (x: Tensor, axis?: Axes, opts: ReduceOptions = {}): Tensor => {
  const axes = normAxes("mean", axis, x.ndim);
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
  return finish(op, x, applyPrim("argReduce", [x], { op, axis: a }), [a], keepdim);
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
  const axes = normAxes("var", axis, x.ndim);
  const xf = E.cast(x, "float32");
  const d = E.sub(xf, mean(xf, axes, { keepdim: true }));
  return E.div(sum(E.mul(d, d), axes, { keepdim }), Math.max(0, countOf(x, axes) - correction));
};

/** Standard deviation over `axis` (unbiased by default, as torch.std). */
export const std = (x: Tensor, axis?: Axes, opts: VarOptions = {}): Tensor => E.sqrt(variance(x, axis, opts));

/** log(sum(exp(x))) over `axis`, computed stably by shifting by the maximum. */
export const logsumexp = (x: Tensor, axis?: Axes, { keepdim = false }: ReduceOptions = {}): Tensor => {
  const axes = normAxes("logsumexp", axis, x.ndim);
  const m0 = detach(max(x, axes, { keepdim: true }));
  // An all -inf slice would give inf - inf = NaN; shift by 0 there instead.
  const m = E.where(E.eq(E.abs(m0), Infinity), 0, m0);
  const r = E.add(E.log(sum(E.exp(E.sub(x, m)), axes, { keepdim: true })), m);
  return keepdim ? r : applyPrim("reshape", [r], { shape: dropAxes(x.shape, axes) });
};

export interface NormOptions extends ReduceOptions {
  /** The order: 2 (default, Euclidean/Frobenius), 1, Infinity, or any positive number. */
  readonly p?: number;
}

/** Vector p-norm over `axis` (all elements when omitted), as torch.linalg.vector_norm. */
export const norm = (x: Tensor, axis?: Axes, { p = 2, keepdim = false }: NormOptions = {}): Tensor => {
  if (!(p > 0)) throw new Error(`norm: order p must be positive, got ${p}`);
  const a = E.abs(E.cast(x, "float32"));
  if (p === Infinity) return max(a, axis, { keepdim });
  if (p === 1) return sum(a, axis, { keepdim });
  if (p === 2) return E.sqrt(sum(E.mul(a, a), axis, { keepdim }));
  return E.pow(sum(E.pow(a, p), axis, { keepdim }), 1 / p);
};

/** Cumulative sum along `axis` (from the end when `reverse`). */
export const cumsum = (x: Tensor, axis: number, { reverse = false }: { reverse?: boolean } = {}): Tensor =>
  applyPrim("cumsum", [x.dtype === "bool" ? E.cast(x, "int32") : x], { axis: normAxis("cumsum", axis, x.ndim), reverse });

/** Sums a broadcast result back down to `shape` (the adjoint of broadcasting). */
export const sumToShape = (g: Tensor, shape: Shape): Tensor => {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const r = axes.length ? applyPrim("reduce", [g], { op: "sum", axes }) : g;
  return applyPrim("reshape", [r], { shape });
};
