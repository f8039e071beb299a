// A BERT encoder with a masked-language-model head, under Hugging Face's BertForMaskedLM names (decoder tied to the word embeddings).
import { Tensor } from "../../ops/Tensor.js";
import { add, div, mul, sub, cast } from "../../ops/elementwise.js";
import { arange, zerosLike } from "../../ops/creation.js";
import { matmul } from "../../ops/linalg.js";
import { permute, reshape, transpose } from "../../ops/layout.js";
import { softmax, gelu } from "../../ops/activation.js";
import { dropout as dropoutOp } from "../../ops/dropout.js";
import { embedding as embeddingOp } from "../../ops/embedding.js";
import { sameShape, shapeStr } from "../../ops/_shape.js";
import { key } from "../../ops/random.js";
import { defineModule, type Module, type Variables } from "../../nn/Module.js";
import { linear } from "../../nn/linear.js";
import { layerNorm } from "../../nn/normalization.js";
import { moduleList } from "../../nn/moduleList.js";
import { normal, zeros } from "../../nn/init.js";
import { loadStateDict } from "../../nn/stateDict.js";
import { tiedEmbedding } from "./_tiedEmbedding.js";

/** BertConfig's fields in camelCase. */
export interface BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize?: number;
  readonly layerNormEps?: number;
  /** Dropout after embeddings and each sub-layer, and on attention weights (default 0.1 each). */
  readonly hiddenDropoutProb?: number;
  readonly attentionProbsDropoutProb?: number;
}

/** Token ids [B, T] (int32) alone, or with segment ids and a padding mask (1 = real token). */
export type BertInput =
  | Tensor
  | { readonly inputIds: Tensor; readonly tokenTypeIds?: Tensor | undefined; readonly attentionMask?: Tensor | undefined };

/** MLM scores [B, T, vocab] and the encoder's last hidden states [B, T, hidden]. */
export interface BertOutput {
  readonly logits: Tensor;
  readonly hidden: Tensor;
}

const MASKED = -3.4028234663852886e38;

const resolve = (config: BertConfig): Required<BertConfig> => {
  const c: Required<BertConfig> = { typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1, ...config };
  for (const k of ["vocabSize", "hiddenSize", "numHiddenLayers", "numAttentionHeads", "intermediateSize", "maxPositionEmbeddings", "typeVocabSize"] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`bert: config.${k} must be a positive integer, got ${String(c[k])}`);
  if (c.hiddenSize % c.numAttentionHeads !== 0) throw new Error(`bert: config.hiddenSize=${c.hiddenSize} must be divisible by config.numAttentionHeads=${c.numAttentionHeads}`);
  return c;
};

/**
 * BERT for masked-token prediction, laid out as Hugging Face's BertForMaskedLM: `bert.embeddings.{word,position,
 * token_type}_embeddings`, `bert.embeddings.LayerNorm`, `bert.encoder.layer.{i}.attention.self.{query,key,value}`,
 * `.attention.output.{dense,LayerNorm}`, `.intermediate.dense`, `.output.{dense,LayerNorm}`, and
 * `cls.predictions.{bias,transform.dense,transform.LayerNorm}` with the decoder tied to the word embeddings.
 * Post-norm layers, exact GELU, weights N(0, 0.02).
 * @example
 * const model = bert({ vocabSize: 1000, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128, maxPositionEmbeddings: 64 });
 * const { logits } = model.forward(params, { inputIds, attentionMask });
 */
export const bert = (config: BertConfig): Module<BertInput, BertOutput> => {
  const c = resolve(config);
  const e = c.hiddenSize;
  const hd = e / c.numAttentionHeads;
  // Linear layers with BERT's initialisation (N(0, 0.02), zero bias) instead of PyTorch's default.
  const lin = (i: number, o: number): Module => {
    const base = linear({ inFeatures: i, outFeatures: o });
    return defineModule({
      kind: "Linear",
      config: base.config,
      extraRepr: base.extraRepr,
      params: { weight: { shape: [o, i], init: normal({ std: 0.02 }) }, bias: { shape: [o], init: zeros() } },
      forward: ({ params }, x: Tensor) => base.forward({ weight: params.weight, bias: params.bias }, x),
    });
  };
  const ln = () => layerNorm({ normalizedShape: e, eps: c.layerNormEps });
  const table = (n: number): Module =>
    defineModule({ kind: "Embedding", extraRepr: `${n}, ${e}`, params: { weight: { shape: [n, e], init: normal({ std: 0.02 }) } }, forward: ({ params }, ids: Tensor) => embeddingOp(params.weight, ids) });
  const drop = (ctx: { training: boolean; key: () => import("../../ops/random.js").Key }, x: Tensor, p: number): Tensor =>
    ctx.training && p > 0 ? dropoutOp(ctx.key(), x, { p }) : x;
  const denseNorm = (fin: number) =>
    defineModule({
      kind: "BertOutput",
      children: { dense: lin(fin, e), LayerNorm: ln() },
      forward: (ctx, [h, res]: readonly [Tensor, Tensor]) => ctx.children.LayerNorm(add(drop(ctx, ctx.children.dense(h), c.hiddenDropoutProb), res)),
    });
  const layer = () => {
    const self = defineModule({
      kind: "BertSelfAttention",
      children: { query: lin(e, e), key: lin(e, e), value: lin(e, e) },
      forward: (ctx, [x, ext]: readonly [Tensor, Tensor]) => {
        const [B, T] = x.shape as [number, number, number];
        const heads = (t: Tensor) => permute(reshape(t, [B, T, c.numAttentionHeads, hd]), [0, 2, 1, 3]);
        const s = add(div(matmul(heads(ctx.children.query(x)), transpose(heads(ctx.children.key(x)), -2, -1)), Math.sqrt(hd)), ext);
        const w = drop(ctx, softmax(s, -1), c.attentionProbsDropoutProb);
        return reshape(permute(matmul(w, heads(ctx.children.value(x))), [0, 2, 1, 3]), [B, T, e]);
      },
    });
    const attention = defineModule({
      kind: "BertAttention",
      children: { self, output: denseNorm(e) },
      forward: ({ children: ch }, [x, ext]: readonly [Tensor, Tensor]) => ch.output([ch.self([x, ext]), x]),
    });
    const intermediate = defineModule({ kind: "BertIntermediate", children: { dense: lin(e, c.intermediateSize) }, forward: ({ children: ch }, x: Tensor) => gelu(ch.dense(x)) });
    return defineModule({
      kind: "BertLayer",
      children: { attention, intermediate, output: denseNorm(c.intermediateSize) },
      forward: ({ children: ch }, [x, ext]: readonly [Tensor, Tensor]) => {
        const a = ch.attention([x, ext]);
        return ch.output([ch.intermediate(a), a]);
      },
    });
  };
  const layers = Array.from({ length: c.numHiddenLayers }, layer);
  const embeddings = defineModule({
    kind: "BertEmbeddings",
    children: { word_embeddings: tiedEmbedding(c.vocabSize, e, 0.02), position_embeddings: table(c.maxPositionEmbeddings), token_type_embeddings: table(c.typeVocabSize), LayerNorm: ln() },
    forward: (ctx, x: { ids: Tensor; types: Tensor } | { attend: Tensor }) => {
      const ch = ctx.children;
      if ("attend" in x) return ch.word_embeddings(x);
      const T = x.ids.shape[1]!;
      const sum = add(add(ch.word_embeddings(x.ids), ch.position_embeddings(arange(0, T, 1, { dtype: "int32" }))), ch.token_type_embeddings(x.types));
      return drop(ctx, ch.LayerNorm(sum), c.hiddenDropoutProb);
    },
  });
  const encoder = defineModule({
    kind: "BertEncoder",
    children: { layer: moduleList(layers) },
    forward: ({ children: ch }, [x, ext]: readonly [Tensor, Tensor]) => {
      let h = x;
      for (let i = 0; i < layers.length; i++) h = ch.layer({ index: i, input: [h, ext] as const });
      return h;
    },
  });
  const bertModel = defineModule({
    kind: "BertModel",
    children: { embeddings, encoder },
    forward: ({ children: ch, fail }, x: { ids: Tensor; types: Tensor; mask: Tensor | undefined } | { attend: Tensor }) => {
      if ("attend" in x) return ch.embeddings(x);
      const [B, T] = x.ids.shape as [number, number];
      if (T > c.maxPositionEmbeddings) fail(`sequence of ${T} tokens is longer than maxPositionEmbeddings=${c.maxPositionEmbeddings}`);
      // Padding keys get float32's lowest value added to their scores (Hugging Face's extended attention mask).
      const ext = x.mask ? reshape(mul(sub(1, cast(x.mask, "float32")), MASKED), [B, 1, 1, T]) : zerosLike(x.ids, { dtype: "float32" }).reshape([B, 1, 1, T]);
      return ch.encoder([ch.embeddings({ ids: x.ids, types: x.types }), ext] as const);
    },
  });
  const transform = defineModule({
    kind: "BertPredictionHeadTransform",
    children: { dense: lin(e, e), LayerNorm: ln() },
    forward: ({ children: ch }, x: Tensor) => ch.LayerNorm(gelu(ch.dense(x))),
  });
  const predictions = defineModule({
    kind: "BertLMPredictionHead",
    params: { bias: { shape: [c.vocabSize], init: zeros() } },
    children: { transform },
    forward: ({ children: ch, params }, [h, decode]: readonly [Tensor, (t: Tensor) => Tensor]) => add(decode(ch.transform(h)), params.bias),
  });
  const cls = defineModule({
    kind: "BertOnlyMLMHead",
    children: { predictions },
    forward: ({ children: ch }, x: readonly [Tensor, (t: Tensor) => Tensor]) => ch.predictions(x),
  });
  return defineModule({
    kind: "BertForMaskedLM",
    config: { ...c },
    children: { bert: bertModel, cls },
    forward: ({ children: ch, fail }, inp: BertInput): BertOutput => {
      const a = inp instanceof Tensor ? { inputIds: inp, tokenTypeIds: undefined, attentionMask: undefined } : inp;
      const ids = a.inputIds;
      if (!(ids instanceof Tensor) || ids.dtype !== "int32" || ids.ndim !== 2) fail(`inputIds must be an int32 tensor [batch, time], got ${ids instanceof Tensor ? `${ids.dtype} ${shapeStr(ids.shape)}` : typeof ids}`);
      const types = a.tokenTypeIds ?? zerosLike(ids);
      for (const [n, t] of [["tokenTypeIds", a.tokenTypeIds], ["attentionMask", a.attentionMask]] as const)
        if (t !== undefined && !sameShape(t.shape, ids.shape)) fail(`${n} has shape ${shapeStr(t.shape)}, expected inputIds' shape ${shapeStr(ids.shape)}`);
      const hidden = ch.bert({ ids, types, mask: a.attentionMask });
      // The decoder is the word-embedding table itself (tied), reached through the bert child that owns it.
      return { logits: ch.cls([hidden, (t: Tensor) => ch.bert({ attend: t })] as const), hidden };
    },
  });
};

/**
 * Loads a Hugging Face BertForMaskedLM state_dict: the tied copies `cls.predictions.decoder.weight`/`.bias` must equal
 * the word embeddings / `cls.predictions.bias` and are skipped, as are `position_ids` buffers and pooler weights.
 * @example
 * const variables = loadBertStateDict(model, tensors);
 */
export const loadBertStateDict = (model: Module<BertInput, BertOutput>, tensors: Readonly<Record<string, Tensor>>): Variables => {
  const dict: Record<string, Tensor> = {};
  const same = (a: Tensor, b: Tensor | undefined, what: string): void => {
    const x = a.dataSync();
    const y = b?.dataSync();
    if (!y || x.length !== y.length || x.some((v, i) => v !== y[i])) throw new Error(`loadBertStateDict: ${what} is not tied to its source; only tied MLM decoders are supported`);
  };
  for (const [n, t] of Object.entries(tensors)) {
    if (n.endsWith("position_ids") || n.startsWith("bert.pooler.")) continue;
    if (n === "cls.predictions.decoder.weight") same(t, tensors["bert.embeddings.word_embeddings.weight"], n);
    else if (n === "cls.predictions.decoder.bias") same(t, tensors["cls.predictions.bias"], n);
    else dict[n] = cast(t, "float32");
  }
  return loadStateDict(model, model.init(key(0)), dict);
};
