// Embedding lookup (F.embedding): rows of a weight matrix selected by integer indices, padding rows frozen.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import * as E from "./elementwise.js";
import { reshape } from "./layout.js";
import { detach } from "./detach.js";
import { shapeStr } from "./_shape.js";
import { checkIndexRange } from "./oneHot.js";

export interface EmbeddingOptions {
  /** A row index (negative counts from the end) whose row receives no gradient, as PyTorch's padding_idx. */
  readonly paddingIdx?: number | undefined;
}

/**
 * Looks up rows of `weight` [numEmbeddings, dim] for int32 `indices` of any shape, giving [...indices.shape, dim].
 * @example
 * embedding(params.wte, tokens); // tokens: [B, T] int32 → [B, T, dim]
 */
export const embedding = (weight: Tensor, indices: Tensor, { paddingIdx }: EmbeddingOptions = {}): Tensor => {
  if (weight.ndim !== 2) throw new Error(`embedding: weight shape ${shapeStr(weight.shape)} must be 2-D [numEmbeddings, dim]`);
  if (weight.dtype !== "float32") throw new Error(`embedding: weight must be float32, got ${weight.dtype} (shape ${shapeStr(weight.shape)})`);
  if (indices.dtype !== "int32") throw new Error(`embedding: indices must be int32, got ${indices.dtype} (shape ${shapeStr(indices.shape)})`);
  const [n, dim] = weight.shape as [number, number];
  let pad = paddingIdx;
  if (pad !== undefined) {
    if (!Number.isInteger(pad) || pad < -n || pad >= n)
      throw new Error(`embedding: paddingIdx ${paddingIdx} must be an integer in [-${n}, ${n}) for weight shape ${shapeStr(weight.shape)}`);
    if (pad < 0) pad += n;
  }
  checkIndexRange("embedding", "index", indices, "numEmbeddings", n);
  const flat = reshape(indices, [indices.size]);
  const rows = applyPrim("indexSelect", [weight, flat], { axis: 0 });
  // Padding positions read the same values but through a detached copy, so their cotangent never reaches the row.
  const out = pad === undefined ? rows : E.where(reshape(E.eq(flat, pad), [indices.size, 1]), detach(rows), rows);
  return reshape(out, [...indices.shape, dim]);
};
