// grad and valueAndGrad: JAX-style function transforms over pytrees; gradients come back as a new pytree.
import { Tensor } from "../ops/Tensor.js";
import { applyPrim } from "../ops/apply.js";
import { isRecording, withRecording } from "../ops/_tape.js";
import { detach } from "../ops/detach.js";
import { onesLike, zerosLike } from "../ops/creation.js";
import { shapeStr } from "../ops/_shape.js";
import { backward } from "./backward.js";
import { treeLeaves, treeLeavesWithPaths, treeUnflatten } from "./pytree.js";

export interface GradOptions {
  /** The function returns `[loss, aux]`; aux (any value or pytree) is passed through, detached (JAX's has_aux). */
  readonly hasAux?: boolean;
}

// Nesting depth of active differentiations: inside another grad the backward pass is itself recorded,
// so gradients of gradients work (PyTorch's create_graph).
let depth = 0;

/** Marks a tensor as an input being differentiated; inside an outer grad it stays connected to the outer graph. */
const asLeaf = (t: Tensor): Tensor =>
  t.requiresGrad && isRecording()
    ? applyPrim("reshape", [t], { shape: t.shape })
    : new Tensor(t.storage, t.shape, t.dtype, t.device, null, true);

const run = <P>(name: string, f: (p: P, ...args: unknown[]) => unknown, hasAux: boolean, params: P, args: readonly unknown[]) => {
  const leaves = treeLeavesWithPaths(params);
  for (const { path, tensor } of leaves)
    if (tensor.dtype !== "float32")
      throw new Error(`${name}: can only differentiate with respect to float32 tensors, but ${path || "the argument"} is ${tensor.dtype} (shape ${shapeStr(tensor.shape)})`);
  const inputs = leaves.map((l) => asLeaf(l.tensor));
  depth++;
  try {
    const result = withRecording(true, () => f(treeUnflatten(params, inputs), ...args));
    if (hasAux && (!Array.isArray(result) || result.length !== 2))
      throw new Error(`${name}: with hasAux the function must return [loss, aux], got ${result instanceof Tensor ? "a tensor" : typeof result}`);
    const [loss, aux] = hasAux ? (result as [Tensor, unknown]) : [result as Tensor, undefined];
    if (!(loss instanceof Tensor)) throw new Error(`${name}: the function must return a tensor${hasAux ? " as the first element of [loss, aux]" : ""}, got ${typeof loss}`);
    if (loss.size !== 1) throw new Error(`${name}: the function must return a scalar (one-element) tensor, got shape ${shapeStr(loss.shape)}`);
    if (loss.dtype !== "float32") throw new Error(`${name}: the function must return a float32 tensor, got ${loss.dtype}`);
    const cts = withRecording(depth > 1, () => backward(loss, inputs, onesLike(loss)));
    const grads = treeUnflatten(params, cts.map((g, i) => g ?? zerosLike(inputs[i]!)));
    return { loss, aux, grads };
  } finally {
    depth--;
  }
};

/**
 * What a transform hands back: outside any outer differentiation, tensors are detached so the forward
 * graph can be freed (an aux metric must not keep a whole step's graph alive); inside one they stay connected.
 */
const outward = <T>(x: T): T => {
  if (depth > 0) return x;
  const leaves = treeLeaves(x);
  return leaves.some((t) => t.requiresGrad) ? treeUnflatten(x, leaves.map(detach)) : x;
};

type Fn<P, A extends unknown[], R> = (params: P, ...args: A) => R;

/**
 * Transforms a scalar function of a pytree into the function giving its gradient pytree.
 * @example
 * const df = grad((x: Tensor) => mul(x, x).mul(2).sum());
 * df(arange(4, undefined, 1, { dtype: "float32" })); // tensor([ 0.,  4.,  8., 12.])
 */
export function grad<P, A extends unknown[]>(f: Fn<P, A, Tensor>): Fn<P, A, P>;
export function grad<P, A extends unknown[], X>(f: Fn<P, A, readonly [Tensor, X]>, opts: { hasAux: true }): Fn<P, A, [P, X]>;
export function grad<P, A extends unknown[]>(f: Fn<P, A, unknown>, { hasAux = false }: GradOptions = {}) {
  return (params: P, ...args: A) => {
    const r = run("grad", f as (p: P, ...args: unknown[]) => unknown, hasAux, params, args);
    return hasAux ? [r.grads, outward(r.aux)] : r.grads;
  };
}

/**
 * Like `grad`, but also returns the function's value (detached): `[value, grads]`, or `[[value, aux], grads]` with hasAux.
 * @example
 * const [loss, grads] = valueAndGrad(lossFn)(params, batch);
 */
export function valueAndGrad<P, A extends unknown[]>(f: Fn<P, A, Tensor>): Fn<P, A, [Tensor, P]>;
export function valueAndGrad<P, A extends unknown[], X>(f: Fn<P, A, readonly [Tensor, X]>, opts: { hasAux: true }): Fn<P, A, [[Tensor, X], P]>;
export function valueAndGrad<P, A extends unknown[]>(f: Fn<P, A, unknown>, { hasAux = false }: GradOptions = {}) {
  return (params: P, ...args: A) => {
    const r = run("valueAndGrad", f as (p: P, ...args: unknown[]) => unknown, hasAux, params, args);
    // Outside any outer differentiation the value is detached, so the forward graph can be freed.
    const value = outward(r.loss);
    return hasAux ? [[value, outward(r.aux)], r.grads] : [value, r.grads];
  };
}

/** Stops gradients flowing through `x` (JAX's stop_gradient, PyTorch's detach). */
export const stopGradient = detach;
