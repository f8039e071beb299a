// Upper and lower triangles of (batched) matrices, torch.triu/tril: a mask from arange comparisons applied with `where`.
import type { Tensor } from "./Tensor.js";
import { shapeStr } from "./_shape.js";
import { arange } from "./creation.js";
import { ge, le, sub, where } from "./elementwise.js";
import { reshape } from "./layout.js";

/** col - row for the last two axes of x, as an int32 [rows, cols] tensor. */
const offsetFromDiagonal = (op: string, x: Tensor, diagonal: number): Tensor => {
  if (x.ndim < 2) throw new Error(`${op}: input shape ${shapeStr(x.shape)} must have at least 2 dimensions`);
  if (!Number.isInteger(diagonal)) throw new Error(`${op}: diagonal must be an integer, got ${diagonal}`);
  const [m, n] = x.shape.slice(-2) as [number, number];
  const rows = reshape(arange(0, m, 1, { dtype: "int32", device: x.device }), [m, 1]);
  const cols = reshape(arange(0, n, 1, { dtype: "int32", device: x.device }), [1, n]);
  return sub(cols, rows);
};

// A bool zero keeps bool tensors bool, as torch.triu does.
const zeroOf = (x: Tensor): number | boolean => (x.dtype === "bool" ? false : 0);

/**
 * Keeps elements on and above the `diagonal`-th diagonal of the last two axes, zeroing the rest.
 * @example
 * triu(ones([3, 3]), 1); // strictly upper triangular
 */
export const triu = (x: Tensor, diagonal = 0): Tensor =>
  where(ge(offsetFromDiagonal("triu", x, diagonal), diagonal), x, zeroOf(x));

/**
 * Keeps elements on and below the `diagonal`-th diagonal of the last two axes, zeroing the rest.
 * @example
 * tril(ones([4, 4])); // causal attention mask
 */
export const tril = (x: Tensor, diagonal = 0): Tensor =>
  where(le(offsetFromDiagonal("tril", x, diagonal), diagonal), x, zeroOf(x));
