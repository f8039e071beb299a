// Repeating a tensor's contents: repeat and tile (whole-tensor copies via expand + reshape) and repeatInterleave (element copies).
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { normAxis, shapeStr } from "./_shape.js";
import { fromTyped } from "./creation.js";
import { expand, reshape } from "./layout.js";

const checkCounts = (op: string, counts: readonly number[]): void => {
  if (counts.some((r) => !Number.isInteger(r) || r < 0))
    throw new Error(`${op}: repeats [${counts.join(", ")}] must be non-negative integers`);
};

/**
 * Tiles x `repeats[i]` times along each axis; extra leading repeats add axes (torch.Tensor.repeat).
 * @example
 * repeat(tensor([1, 2]), [2, 2]); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export const repeat = (x: Tensor, repeats: readonly number[]): Tensor => {
  checkCounts("repeat", repeats);
  if (repeats.length < x.ndim)
    throw new Error(`repeat: ${repeats.length} repeats [${repeats.join(", ")}] are fewer than the dimensions of shape ${shapeStr(x.shape)}`);
  const shape = [...repeats.slice(0, repeats.length - x.ndim).map(() => 1), ...x.shape];
  if (repeats.every((r) => r === 1)) return reshape(x, shape);
  // A size-1 axis in front of each axis is broadcast to its repeat count; merging each pair tiles.
  const spread = expand(reshape(x, shape.flatMap((s) => [1, s])), shape.flatMap((s, i) => [repeats[i]!, s]));
  return reshape(spread, shape.map((s, i) => s * repeats[i]!));
};

/** Like repeat, but fewer repeats than axes count from the last axis (torch.tile). */
export const tile = (x: Tensor, reps: readonly number[]): Tensor =>
  repeat(x, [...Array.from({ length: Math.max(0, x.ndim - reps.length) }, () => 1), ...reps]);

/**
 * Repeats each element (each slice along `axis`) in place: `repeats` times, or repeats[i] times for
 * slice i; without an axis the flattened tensor is used (torch.repeat_interleave).
 * @example
 * repeatInterleave(tensor([1, 2]), 2); // tensor([1., 1., 2., 2.])
 */
export const repeatInterleave = (x: Tensor, repeats: number | readonly number[], axis?: number): Tensor => {
  const src = axis === undefined ? reshape(x, [x.size]) : x;
  const a = axis === undefined ? 0 : normAxis("repeatInterleave", axis, x.ndim);
  const n = src.shape[a]!;
  const counts = typeof repeats === "number" ? [repeats] : repeats;
  checkCounts("repeatInterleave", counts);
  if (counts.length === 1) {
    const r = counts[0]!;
    const shape = src.shape;
    const spread = expand(reshape(src, [...shape.slice(0, a + 1), 1, ...shape.slice(a + 1)]), [...shape.slice(0, a + 1), r, ...shape.slice(a + 1)]);
    return reshape(spread, shape.map((s, i) => (i === a ? s * r : s)));
  }
  if (counts.length !== n)
    throw new Error(`repeatInterleave: ${counts.length} repeats do not match dimension ${axis ?? 0} of size ${n} (shape ${shapeStr(x.shape)})`);
  const index = new Int32Array(counts.reduce((t, r) => t + r, 0));
  let at = 0;
  counts.forEach((r, i) => index.fill(i, at, (at += r)));
  return applyPrim("indexSelect", [src, fromTyped(index, [index.length], { device: x.device })], { axis: a });
};
