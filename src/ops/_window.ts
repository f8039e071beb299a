// Private helpers shared by convolution, pooling and interpolation: argument checks and NCHW batching.
import type { Tensor } from "./Tensor.js";
import { shapeStr } from "./_shape.js";
import { reshape } from "./layout.js";

/** One size for both spatial axes, or [height, width]. */
export type Pair = number | readonly [number, number];

const fmt = (v: Pair): string => (typeof v === "number" ? `${v}` : `[${v.join(", ")}]`);

/** Normalises a Pair to [h, w], checking both are integers ≥ `min`. */
export const pair = (op: string, name: string, v: Pair, min: number): [number, number] => {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if ((typeof v !== "number" && v.length !== 2) || !p.every((d) => Number.isInteger(d) && d >= min))
    throw new Error(`${op}: ${name} must be ${min > 0 ? "a positive" : "a non-negative"} integer or a pair of them, got ${fmt(v)}`);
  return p;
};

/** Checks a 1-D size is an integer ≥ `min`. */
export const single = (op: string, name: string, v: number, min: number): number => {
  if (!Number.isInteger(v) || v < min) throw new Error(`${op}: ${name} must be ${min > 0 ? "a positive" : "a non-negative"} integer, got ${v}`);
  return v;
};

/** Checks the dtype is float32 (the window kernels and matmul compute in float). */
export const checkFloat = (op: string, name: string, x: Tensor): void => {
  if (x.dtype !== "float32") throw new Error(`${op}: ${name} must be float32, got ${x.dtype} (shape ${shapeStr(x.shape)})`);
};

/** A batched view of an input with `spatial` trailing axes, accepting PyTorch's unbatched form too. */
export interface Batched {
  readonly x: Tensor;
  /** Restores the caller's batching on a result computed in batched form. */
  readonly unbatch: (y: Tensor) => Tensor;
}

/** Accepts [N, C, ...spatial] or unbatched [C, ...spatial]; names the op and shape otherwise. */
export const batched = (op: string, x: Tensor, spatial: number, layout: string): Batched => {
  const rank = spatial + 2;
  if (x.ndim === rank) return { x, unbatch: (y) => y };
  if (x.ndim === rank - 1)
    return { x: reshape(x, [1, ...x.shape]), unbatch: (y) => reshape(y, y.shape.slice(1)) };
  throw new Error(`${op}: input shape ${shapeStr(x.shape)} must be ${rank}-D [N, ${layout}] (or ${rank - 1}-D [${layout}] unbatched)`);
};
