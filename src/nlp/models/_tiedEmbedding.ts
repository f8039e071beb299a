// A token table that doubles as its model's output layer (weight tying, as GPT-2's lm_head and BERT's MLM decoder).
import { Tensor } from "../../ops/Tensor.js";
import { applyPrim } from "../../ops/apply.js";
import { reshape } from "../../ops/layout.js";
import { embedding as embeddingOp } from "../../ops/embedding.js";
import { defineModule, type Module } from "../../nn/Module.js";
import { normal } from "../../nn/init.js";

/** Looks up ids; given `{ attend: h }` maps hidden states [..., e] to scores [..., vocab] by the table's transpose. */
export const tiedEmbedding = (vocab: number, e: number, std: number): Module<Tensor | { readonly attend: Tensor }, Tensor> =>
  defineModule({
    kind: "Embedding",
    config: { numEmbeddings: vocab, embeddingDim: e },
    extraRepr: `${vocab}, ${e}`,
    params: { weight: { shape: [vocab, e], init: normal({ std }) } },
    forward: ({ params }, x: Tensor | { readonly attend: Tensor }) => {
      if (x instanceof Tensor) return embeddingOp(params.weight, x);
      const h = x.attend;
      const n = h.size / e;
      const y = applyPrim("matmul", [reshape(h, [1, n, e]), reshape(params.weight, [1, vocab, e])], { transA: false, transB: true });
      return reshape(y, [...h.shape.slice(0, -1), vocab]);
    },
  });
