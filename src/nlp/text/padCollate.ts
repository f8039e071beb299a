// Batching variable-length id sequences: pad to the longest (or a fixed length) and mark real tokens in an attention mask.
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../ops/Tensor.js";

/** A padded batch: ids `[batch, length]` (int32) and the attention mask (1 for tokens, 0 for padding, int32). */
export interface PaddedBatch {
  readonly inputIds: Tensor;
  readonly attentionMask: Tensor;
}

/** Options of {@link padCollate}. */
export interface PadCollateOptions {
  /** The id written into padding positions. */
  readonly padId: number;
  /** Pad (and truncate) every batch to this length; default: the longest sequence in the batch. */
  readonly length?: number;
  /** Where padding goes (default `"right"`; `"left"` suits generation). */
  readonly side?: "left" | "right";
}

/**
 * A `collate` for `loader` that pads sequences of ids into one int32 tensor with an attention mask, as Hugging Face's
 * `padding=True` does.
 * @example
 * loader(lines, { batchSize: 32, collate: padCollate({ padId: 0 }) });
 */
export const padCollate = ({ padId, length, side = "right" }: PadCollateOptions) => {
  if (length !== undefined && !(Number.isInteger(length) && length > 0)) throw new Error(`padCollate: length must be a positive integer, got ${length}`);
  return (sequences: readonly (readonly number[])[]): PaddedBatch => {
    const t = length ?? Math.max(1, ...sequences.map((s) => s.length));
    const ids = new Int32Array(sequences.length * t).fill(padId);
    const mask = new Int32Array(sequences.length * t);
    sequences.forEach((s, b) => {
      const n = Math.min(s.length, t);
      const at = b * t + (side === "left" ? t - n : 0);
      for (let k = 0; k < n; k++) {
        ids[at + k] = s[k]!;
        mask[at + k] = 1;
      }
    });
    return { inputIds: tensor(ids, { shape: [sequences.length, t], dtype: "int32" }), attentionMask: tensor(mask, { shape: [sequences.length, t], dtype: "int32" }) };
  };
};
