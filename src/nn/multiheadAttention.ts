// Multi-head attention (torch.nn.MultiheadAttention) with PyTorch's packed in_proj_weight/out_proj layout and mask conventions.
import { Tensor } from "../ops/Tensor.js";
import { add, where, cast } from "../ops/elementwise.js";
import { applyPrim } from "../ops/apply.js";
import { mean } from "../ops/reduce.js";
import { narrow } from "../ops/slicing.js";
import { permute, reshape, transpose, unsqueeze } from "../ops/layout.js";
import { scaledDotProductAttentionWithWeights } from "../ops/attention.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import { defineModule, type Module } from "./Module.js";
import { linear } from "./linear.js";
import { xavierUniform, zeros } from "./init.js";
import { checkBool, checkInt, checkNumber } from "./_validate.js";

export interface MultiheadAttentionOptions {
  readonly embedDim: number;
  readonly numHeads: number;
  /** Dropout on the attention weights in training mode (default 0). */
  readonly dropout?: number;
  /** in_proj_bias and out_proj.bias (default true). */
  readonly bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E] (default false). */
  readonly batchFirst?: boolean;
}

/** What multi-head attention reads: query, key and value, and PyTorch's masks (bool: true = may NOT attend; float: added). */
export interface MultiheadAttentionInput {
  readonly query: Tensor;
  readonly key: Tensor;
  readonly value: Tensor;
  /** [N, S] (or [S] unbatched): true (or -inf) on padding keys to ignore. */
  readonly keyPaddingMask?: Tensor | undefined;
  /** [L, S] or [N·numHeads, L, S]: true (or -inf) where query i may not attend to key j. */
  readonly attnMask?: Tensor | undefined;
  /** Return the attention weights (default true, as PyTorch). */
  readonly needWeights?: boolean;
  /** Average the weights over heads ([N, L, S], default) or keep them per head ([N, numHeads, L, S]). */
  readonly averageAttnWeights?: boolean;
  /** A causal mask (added to any attnMask). */
  readonly isCausal?: boolean;
}

/** The attention output [L, N, E] (or [N, L, E] batch-first) and the weights when asked for. */
export interface MultiheadAttentionOutput {
  readonly output: Tensor;
  readonly weights?: Tensor;
}

/** A bool "may not attend" or float additive mask as an additive float mask. */
const additive = (m: Tensor): Tensor => (m.dtype === "bool" ? where(m, -Infinity, 0) : cast(m, "float32"));

/** x [..., k] · wᵀ + b for w [m, k] (w read transposed in place). */
const project = (x: Tensor, w: Tensor, b: Tensor | undefined): Tensor => {
  const k = x.shape[x.ndim - 1]!;
  const n = x.size / k;
  const m = w.shape[0]!;
  const y = reshape(applyPrim("matmul", [reshape(x, [1, n, k]), reshape(w, [1, m, k])], { transA: false, transB: true }), [...x.shape.slice(0, -1), m]);
  return b ? add(y, b) : y;
};

/**
 * Multi-head attention: queries, keys and values projected by the packed in_proj_weight [3E, E], split into heads,
 * attended, then projected by out_proj (torch.nn.MultiheadAttention); xavier-uniform in_proj, zero biases.
 * @example
 * const mha = nn.multiheadAttention({ embedDim: 16, numHeads: 4 });
 * const { output, weights } = mha.forward(params, { query: x, key: x, value: x }); // self-attention
 */
export const multiheadAttention = ({ embedDim: e, numHeads: h, dropout = 0, bias = true, batchFirst = false }: MultiheadAttentionOptions): Module<MultiheadAttentionInput, MultiheadAttentionOutput> => {
  const kind = "MultiheadAttention";
  checkInt(kind, "embedDim", e);
  checkInt(kind, "numHeads", h);
  if (e % h !== 0) throw new Error(`${kind}: embedDim=${e} must be divisible by numHeads=${h}`);
  checkNumber(kind, "dropout", dropout);
  checkBool(kind, "bias", bias);
  checkBool(kind, "batchFirst", batchFirst);
  const hd = e / h;
  return defineModule({
    kind,
    config: { embedDim: e, numHeads: h, dropout, bias, batchFirst },
    children: { out_proj: linear({ inFeatures: e, outFeatures: e, bias }) },
    params: {
      in_proj_weight: { shape: [3 * e, e], init: xavierUniform() },
      ...(bias ? { in_proj_bias: { shape: [3 * e], init: zeros() } } : {}),
    },
    forward: (ctx, inp: MultiheadAttentionInput) => {
      const { params: p, children, fail, training } = ctx;
      const { query, key, value, keyPaddingMask, attnMask, needWeights = true, averageAttnWeights = true, isCausal = false } = inp;
      if (!(query instanceof Tensor) || !(key instanceof Tensor) || !(value instanceof Tensor)) fail(`expects { query, key, value } tensors`);
      const unbatched = query.ndim === 2;
      if (query.ndim !== 2 && query.ndim !== 3) fail(`query must be 2-D (unbatched) or 3-D, got shape ${shapeStr(query.shape)}`);
      if (key.ndim !== query.ndim || value.ndim !== query.ndim) fail(`query ${shapeStr(query.shape)}, key ${shapeStr(key.shape)} and value ${shapeStr(value.shape)} must have the same rank`);
      for (const [n, t] of [["query", query], ["key", key], ["value", value]] as const)
        if (t.shape[t.ndim - 1] !== e) fail(`${n} shape ${shapeStr(t.shape)} must end in embedDim=${e}`);
      // To [N, L, E].
      const toNLE = (t: Tensor): Tensor => (unbatched ? unsqueeze(t, 0) : batchFirst ? t : transpose(t, 0, 1));
      const q = toNLE(query);
      const k = toNLE(key);
      const v = toNLE(value);
      const [N, L] = q.shape as [number, number, number];
      const S = k.shape[1]!;
      if (k.shape[0] !== N || v.shape[0] !== N || v.shape[1] !== S) fail(`key ${shapeStr(key.shape)} and value ${shapeStr(value.shape)} must match query ${shapeStr(query.shape)}'s batch and each other's length`);
      const w = p.in_proj_weight;
      const b = bias ? p.in_proj_bias : undefined;
      const part = (t: Tensor | undefined, i: number): Tensor | undefined => (t ? narrow(t, 0, i * e, e) : undefined);
      // [N, L, E] → [N, H, L, hd]
      const heads = (t: Tensor, len: number): Tensor => permute(reshape(t, [N, len, h, hd]), [0, 2, 1, 3]);
      const qh = heads(project(q, part(w, 0)!, part(b, 0)), L);
      const kh = heads(project(k, part(w, 1)!, part(b, 1)), S);
      const vh = heads(project(v, part(w, 2)!, part(b, 2)), S);
      // Masks merged into one additive [N, H, L, S]-broadcastable float mask, as PyTorch does.
      let mask: Tensor | undefined;
      if (attnMask !== undefined) {
        const ok2 = sameShape(attnMask.shape, [L, S]);
        const ok3 = sameShape(attnMask.shape, [N * h, L, S]);
        if (!ok2 && !ok3) fail(`attnMask has shape ${shapeStr(attnMask.shape)}, expected ${shapeStr([L, S])} or ${shapeStr([N * h, L, S])}`);
        mask = additive(ok2 ? attnMask : reshape(attnMask, [N, h, L, S]));
      }
      if (keyPaddingMask !== undefined) {
        const want = unbatched ? [S] : [N, S];
        if (!sameShape(keyPaddingMask.shape, want)) fail(`keyPaddingMask has shape ${shapeStr(keyPaddingMask.shape)}, expected ${shapeStr(want)}`);
        const kpm = reshape(additive(keyPaddingMask), [N, 1, 1, S]);
        mask = mask ? add(mask, kpm) : kpm;
      }
      const drop = training && dropout > 0;
      const r = scaledDotProductAttentionWithWeights(qh, kh, vh, {
        attnMask: mask,
        isCausal,
        ...(drop ? { dropoutP: dropout, key: ctx.key() } : {}),
      });
      const merged = reshape(permute(r.output, [0, 2, 1, 3]), [N, L, e]);
      const o = children.out_proj(merged);
      const output = unbatched ? reshape(o, [L, e]) : batchFirst ? o : transpose(o, 0, 1);
      if (!needWeights) return { output };
      const wts = averageAttnWeights ? mean(r.weights, 1) : r.weights;
      return { output, weights: unbatched ? reshape(wts, wts.shape.slice(1)) : wts };
    },
  });
};
