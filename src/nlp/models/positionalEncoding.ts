// Positional encodings: the Transformer paper's fixed sinusoids, a learned table (GPT-2's wpe, BERT's position_embeddings) and rotary embeddings (RoPE).
import { Tensor } from "../../ops/Tensor.js";
import { add, mul, neg, sin, cos, cast } from "../../ops/elementwise.js";
import { arange, fromTyped } from "../../ops/creation.js";
import { reshape } from "../../ops/layout.js";
import { narrow } from "../../ops/slicing.js";
import { cat } from "../../ops/join.js";
import { dropout as dropoutOp } from "../../ops/dropout.js";
import { embedding as embeddingOp } from "../../ops/embedding.js";
import { shapeStr } from "../../ops/_shape.js";
import { defineModule, type Module } from "../../nn/Module.js";
import { normal } from "../../nn/init.js";

/**
 * The fixed table P [maxLen, dModel] with P[pos, 2i] = sin(pos / 10000^(2i/d)) and P[pos, 2i+1] = cos(pos / 10000^(2i/d)).
 * @example
 * sinusoidalPositionalEncoding(60, 32).shape; // [60, 32]; row 0 is [0, 1, 0, 1, …]
 */
export const sinusoidalPositionalEncoding = (maxLen: number, dModel: number): Tensor => {
  if (!Number.isInteger(maxLen) || maxLen < 1 || !Number.isInteger(dModel) || dModel < 1)
    throw new Error(`sinusoidalPositionalEncoding: maxLen and dModel must be positive integers, got ${maxLen} and ${dModel}`);
  const data = new Float32Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++)
    for (let j = 0; j < dModel; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / dModel);
      data[pos * dModel + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return fromTyped(data, [maxLen, dModel]);
};

export interface PositionalEncodingOptions {
  readonly dModel: number;
  /** Longest sequence (default 1000). */
  readonly maxLen?: number;
  /** Dropout after adding the encoding, in training mode (default 0). */
  readonly dropout?: number;
}

/**
 * Adds the sinusoidal table to x [batch, steps, dModel] (d2l's PositionalEncoding); no parameters.
 * @example
 * const pe = positionalEncoding({ dModel: 32, maxLen: 100 });
 * pe.forward({}, zeros([1, 60, 32])); // the table itself
 */
export const positionalEncoding = ({ dModel, maxLen = 1000, dropout = 0 }: PositionalEncodingOptions): Module => {
  const table = sinusoidalPositionalEncoding(maxLen, dModel);
  return defineModule({
    kind: "PositionalEncoding",
    config: { dModel, maxLen, dropout },
    extraRepr: `d_model=${dModel}, max_len=${maxLen}`,
    forward: (ctx, x: Tensor) => {
      const t = x.shape[x.ndim - 2]!;
      if (x.ndim < 2 || x.shape[x.ndim - 1] !== dModel || t > maxLen)
        ctx.fail(`input shape ${shapeStr(x.shape)} must be [..., steps ≤ maxLen=${maxLen}, dModel=${dModel}]`);
      const y = add(x, narrow(table, 0, 0, t));
      return ctx.training && dropout > 0 ? dropoutOp(ctx.key(), y, { p: dropout }) : y;
    },
  });
};

/**
 * A learned position table `weight` [maxLen, dModel], N(0, 0.02), added to x [batch, steps, dModel] at positions 0…steps-1.
 * @example
 * const pos = learnedPositionalEmbedding({ dModel: 32, maxLen: 64 });
 */
export const learnedPositionalEmbedding = ({ dModel, maxLen = 1000, dropout = 0 }: PositionalEncodingOptions): Module =>
  defineModule({
    kind: "LearnedPositionalEmbedding",
    config: { dModel, maxLen, dropout },
    extraRepr: `${maxLen}, ${dModel}`,
    params: { weight: { shape: [maxLen, dModel], init: normal({ std: 0.02 }) } },
    forward: (ctx, x: Tensor) => {
      const t = x.shape[x.ndim - 2]!;
      if (x.ndim < 2 || x.shape[x.ndim - 1] !== dModel || t > maxLen)
        ctx.fail(`input shape ${shapeStr(x.shape)} must be [..., steps ≤ maxLen=${maxLen}, dModel=${dModel}]`);
      const y = add(x, embeddingOp(ctx.params.weight, arange(0, t, 1, { dtype: "int32" })));
      return ctx.training && dropout > 0 ? dropoutOp(ctx.key(), y, { p: dropout }) : y;
    },
  });

/**
 * Rotary position embedding (RoPE, the "rotate half" layout): each pair (x_i, x_{i+d/2}) of x [..., T, d] is rotated
 * by the angle position · base^(-2i/d), so q·k depends on positions only through their difference.
 * `positions` is int32 [T], or [B, T] for x [B, H, T, d].
 * @example
 * const q2 = applyRotary(q, arange(0, T, 1, { dtype: "int32" }));
 */
export const applyRotary = (x: Tensor, positions: Tensor, base = 10000): Tensor => {
  const d = x.shape[x.ndim - 1]!;
  const T = x.shape[x.ndim - 2]!;
  if (d % 2 !== 0) throw new Error(`applyRotary: the last dimension must be even, got shape ${shapeStr(x.shape)}`);
  if (positions.shape[positions.ndim - 1] !== T) throw new Error(`applyRotary: positions ${shapeStr(positions.shape)} must end in the ${T} steps of x ${shapeStr(x.shape)}`);
  const half = d / 2;
  const inv = fromTyped(Float32Array.from({ length: half }, (_, i) => Math.pow(base, (-2 * i) / d)), [half]);
  // Angles [B|1, 1, T, d/2] for x [B, H, T, d]; [T, d/2] for x [..., T, d] with 1-D positions.
  const pos = cast(positions, "float32");
  const lead = positions.ndim === 2 && x.ndim === 4 ? [positions.shape[0]!, 1, T, 1] : [T, 1];
  const ang = mul(reshape(pos, lead), inv);
  const c = cos(ang);
  const s = sin(ang);
  const x1 = narrow(x, -1 + x.ndim, 0, half);
  const x2 = narrow(x, -1 + x.ndim, half, half);
  return cat([add(mul(x1, c), mul(neg(x2), s)), add(mul(x2, c), mul(x1, s))], x.ndim - 1);
};
