// Scaled dot-product attention (torch.nn.functional.scaled_dot_product_attention): softmax(Q·Kᵀ/√d + mask)·V with boolean or additive masks, causal masking and dropout.
import type { Tensor } from "./Tensor.js";
import type { Key } from "./random.js";
import { add, mul, where, logicalAnd } from "./elementwise.js";
import { ones } from "./creation.js";
import { matmul } from "./linalg.js";
import { transpose } from "./layout.js";
import { softmax } from "./activation.js";
import { tril } from "./triangular.js";
import { dropout } from "./dropout.js";
import { broadcastShapes, sameShape, shapeStr } from "./_shape.js";

export interface AttentionOptions {
  /**
   * Bool: true where a query may attend to a key (PyTorch's SDPA convention); float: added to the scores (use -Infinity
   * to forbid). Broadcasts to [..., L, S].
   */
  readonly attnMask?: Tensor | undefined;
  /** Dropout probability on the attention weights (default 0); needs `key` when > 0. */
  readonly dropoutP?: number;
  /** Query i attends to keys 0…i only (the lower triangle of [L, S]). */
  readonly isCausal?: boolean;
  /** Score scale (default 1/√E). */
  readonly scale?: number;
  /** Randomness for dropout. */
  readonly key?: Key | undefined;
}

/** The attention output and the weights (after dropout) that produced it. */
export interface AttentionResult {
  readonly output: Tensor;
  readonly weights: Tensor;
}

/**
 * Attention returning the weights too (used by multi-head attention for `needWeights`).
 * @example
 * const { output, weights } = scaledDotProductAttentionWithWeights(q, k, v, { isCausal: true });
 */
export const scaledDotProductAttentionWithWeights = (q: Tensor, k: Tensor, v: Tensor, { attnMask, dropoutP = 0, isCausal = false, scale, key }: AttentionOptions = {}): AttentionResult => {
  const op = "scaledDotProductAttention";
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2)
    throw new Error(`${op}: query, key and value need at least 2 dimensions, got ${shapeStr(q.shape)}, ${shapeStr(k.shape)}, ${shapeStr(v.shape)}`);
  const [L, E] = q.shape.slice(-2) as [number, number];
  const [S, Ek] = k.shape.slice(-2) as [number, number];
  if (E !== Ek) throw new Error(`${op}: query ${shapeStr(q.shape)} and key ${shapeStr(k.shape)} must share the last dimension`);
  if (v.shape[v.ndim - 2] !== S) throw new Error(`${op}: key ${shapeStr(k.shape)} and value ${shapeStr(v.shape)} must have the same sequence length`);
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new Error(`${op}: dropoutP must be in [0, 1], got ${dropoutP}`);
  const scores = mul(matmul(q, transpose(k, -2, -1)), scale ?? 1 / Math.sqrt(E));
  const scoreShape = scores.shape;
  let allowed: Tensor | undefined = isCausal ? tril(ones([L, S], { dtype: "bool" })) : undefined;
  let additive: Tensor | undefined;
  if (attnMask !== undefined) {
    let fits = false;
    try {
      fits = sameShape(broadcastShapes(op, attnMask.shape, scoreShape), scoreShape);
    } catch {
      fits = false;
    }
    if (!fits)
      throw new Error(`${op}: attnMask of shape ${shapeStr(attnMask.shape)} does not broadcast to the attention scores' shape ${shapeStr(scoreShape)} ([..., L=${L}, S=${S}])`);
    if (attnMask.dtype === "bool") allowed = allowed ? logicalAnd(allowed, attnMask) : attnMask;
    else additive = attnMask;
  }
  let s = additive ? add(scores, additive) : scores;
  if (allowed) s = where(allowed, s, -Infinity);
  let w = softmax(s, -1);
  if (dropoutP > 0) {
    if (key === undefined) throw new Error(`${op}: dropoutP=${dropoutP} needs a key`);
    w = dropout(key, w, { p: dropoutP, training: true });
  }
  return { output: matmul(w, v), weights: w };
};

/**
 * softmax(Q·Kᵀ·scale + mask)·V over the last two axes of query [..., L, E], key [..., S, E] and value [..., S, Ev].
 * @example
 * scaledDotProductAttention(q, k, v, { isCausal: true }).shape; // [..., L, Ev]
 */
export const scaledDotProductAttention = (q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor => scaledDotProductAttentionWithWeights(q, k, v, options).output;
