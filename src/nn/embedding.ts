// The Embedding layer (torch.nn.Embedding): a [numEmbeddings, embeddingDim] table looked up by int32 indices.
import type { Tensor } from "../ops/Tensor.js";
import { embedding as embeddingOp } from "../ops/embedding.js";
import { randn } from "../ops/random.js";
import { fromTyped } from "../ops/creation.js";
import { shapeStr } from "../ops/_shape.js";
import { defineModule, type Module } from "./Module.js";
import { checkInt } from "./_validate.js";

export interface EmbeddingOptions {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** A row that stays zero at init and gets no gradient (negative counts from the end). */
  readonly paddingIdx?: number | undefined;
}

/**
 * Looks up rows of a table initialised N(0, 1), with the padding row zeroed (torch.nn.Embedding).
 * @example
 * const emb = nn.embedding({ numEmbeddings: 10, embeddingDim: 3 });
 * emb.forward(emb.init(key(0)).params, tensor([[1, 2], [4, 5]], { dtype: "int32" })).shape; // [2, 2, 3]
 */
export const embedding = ({ numEmbeddings, embeddingDim, paddingIdx }: EmbeddingOptions): Module => {
  const kind = "Embedding";
  checkInt(kind, "numEmbeddings", numEmbeddings, 0);
  checkInt(kind, "embeddingDim", embeddingDim, 0);
  let pad: number | undefined;
  if (paddingIdx !== undefined) {
    if (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)
      throw new Error(`${kind}: paddingIdx must be within numEmbeddings=${numEmbeddings}, got ${String(paddingIdx)}`);
    pad = paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
  }
  return defineModule({
    kind,
    config: { numEmbeddings, embeddingDim, paddingIdx: pad },
    extraRepr: `${numEmbeddings}, ${embeddingDim}${pad === undefined ? "" : `, padding_idx=${pad}`}`,
    params: {
      weight: {
        shape: [numEmbeddings, embeddingDim],
        init: (key, shape) => {
          const w = randn(key, shape);
          if (pad === undefined) return w;
          const data = w.dataSync();
          data.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
          return fromTyped(data, shape);
        },
      },
    },
    forward: ({ params, fail }, indices: Tensor) => {
      if (indices.dtype !== "int32") fail(`indices must be int32, got ${indices.dtype} (shape ${shapeStr(indices.shape)})`);
      return embeddingOp(params.weight, indices, { paddingIdx: pad });
    },
  });
};
