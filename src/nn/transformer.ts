// The Transformer (torch.nn.TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder, TransformerDecoder, Transformer): post- or pre-norm, ReLU or GELU, PyTorch's state_dict names.
import { Tensor } from "../ops/Tensor.js";
import { foldIn, split, type Key } from "../ops/random.js";
import { add, where } from "../ops/elementwise.js";
import { ones } from "../ops/creation.js";
import { triu } from "../ops/triangular.js";
import { gelu as geluOp } from "../ops/activation.js";
import { relu as reluOp } from "../ops/elementwise.js";
import { shapeStr } from "../ops/_shape.js";
import { defineModule, type Module, type Params } from "./Module.js";
import { moduleList } from "./moduleList.js";
import { linear } from "./linear.js";
import { dropout as dropoutLayer } from "./dropout.js";
import { layerNorm } from "./normalization.js";
import { multiheadAttention } from "./multiheadAttention.js";
import { xavierUniform } from "./init.js";
import { checkBool, checkInt, checkNumber } from "./_validate.js";

export interface TransformerLayerOptions {
  readonly dModel: number;
  readonly nhead: number;
  /** Width of the feed-forward block (default 2048). */
  readonly dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  readonly dropout?: number;
  /** "relu" (default) or "gelu" (exact erf form). */
  readonly activation?: "relu" | "gelu";
  readonly layerNormEps?: number;
  /** [N, L, E] instead of [L, N, E] (default false). */
  readonly batchFirst?: boolean;
  /** Pre-norm: LayerNorm before each block rather than after each residual sum (default false, post-norm). */
  readonly normFirst?: boolean;
}

/** Input of an encoder layer (or stack): the sequence and PyTorch's masks (bool true = may NOT attend; float: added). */
export type EncoderInput =
  | Tensor
  | { readonly src: Tensor; readonly mask?: Tensor | undefined; readonly srcKeyPaddingMask?: Tensor | undefined; readonly isCausal?: boolean };

/** Input of a decoder layer (or stack): target, encoder memory and their masks. */
export interface DecoderInput {
  readonly tgt: Tensor;
  readonly memory: Tensor;
  readonly tgtMask?: Tensor | undefined;
  readonly memoryMask?: Tensor | undefined;
  readonly tgtKeyPaddingMask?: Tensor | undefined;
  readonly memoryKeyPaddingMask?: Tensor | undefined;
  /** A causal target mask without building one. */
  readonly tgtIsCausal?: boolean;
}

/** Input of the full Transformer: source, target and all six masks. */
export interface TransformerInput {
  readonly src: Tensor;
  readonly tgt: Tensor;
  readonly srcMask?: Tensor | undefined;
  readonly tgtMask?: Tensor | undefined;
  readonly memoryMask?: Tensor | undefined;
  readonly srcKeyPaddingMask?: Tensor | undefined;
  readonly tgtKeyPaddingMask?: Tensor | undefined;
  readonly memoryKeyPaddingMask?: Tensor | undefined;
}

/**
 * The float mask with -inf above the diagonal and 0 elsewhere (nn.Transformer.generate_square_subsequent_mask).
 * @example
 * generateSquareSubsequentMask(3); // [[0, -inf, -inf], [0, 0, -inf], [0, 0, 0]]
 */
export const generateSquareSubsequentMask = (size: number): Tensor => where(triu(ones([size, size], { dtype: "bool" }), 1), -Infinity, 0);

const resolved = (kind: string, o: TransformerLayerOptions) => {
  const { dModel, nhead, dimFeedforward = 2048, dropout = 0.1, activation = "relu", layerNormEps = 1e-5, batchFirst = false, normFirst = false } = o;
  checkInt(kind, "dModel", dModel);
  checkInt(kind, "nhead", nhead);
  checkInt(kind, "dimFeedforward", dimFeedforward);
  checkNumber(kind, "dropout", dropout);
  checkNumber(kind, "layerNormEps", layerNormEps);
  checkBool(kind, "batchFirst", batchFirst);
  checkBool(kind, "normFirst", normFirst);
  if (activation !== "relu" && activation !== "gelu") throw new Error(`${kind}: activation must be "relu" or "gelu", got ${String(activation)}`);
  return { dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst };
};

const act = (a: "relu" | "gelu") => (a === "relu" ? reluOp : (x: Tensor) => geluOp(x));

/**
 * Self-attention then a feed-forward block, each with a residual connection and LayerNorm (torch.nn.TransformerEncoderLayer).
 * @example
 * const layer = nn.transformerEncoderLayer({ dModel: 32, nhead: 4, dimFeedforward: 64, batchFirst: true });
 * layer.forward(params, { src: x, srcKeyPaddingMask: pad }).shape; // like x
 */
export const transformerEncoderLayer = (options: TransformerLayerOptions): Module<EncoderInput, Tensor> => {
  const kind = "TransformerEncoderLayer";
  const o = resolved(kind, options);
  const f = act(o.activation);
  const ln = () => layerNorm({ normalizedShape: o.dModel, eps: o.layerNormEps });
  return defineModule({
    kind,
    config: { ...o },
    children: {
      self_attn: multiheadAttention({ embedDim: o.dModel, numHeads: o.nhead, dropout: o.dropout, batchFirst: o.batchFirst }),
      linear1: linear({ inFeatures: o.dModel, outFeatures: o.dimFeedforward }),
      dropout: dropoutLayer({ p: o.dropout }),
      linear2: linear({ inFeatures: o.dimFeedforward, outFeatures: o.dModel }),
      norm1: ln(),
      norm2: ln(),
      dropout1: dropoutLayer({ p: o.dropout }),
      dropout2: dropoutLayer({ p: o.dropout }),
    },
    forward: ({ children: c, fail }, inp: EncoderInput) => {
      const a = "src" in inp ? inp : { src: inp as Tensor };
      const { src } = a;
      if (src.ndim < 2 || src.shape[src.ndim - 1] !== o.dModel) fail(`src shape ${shapeStr(src.shape)} must end in dModel=${o.dModel}`);
      const mask = "mask" in a ? a.mask : undefined;
      const kpm = "srcKeyPaddingMask" in a ? a.srcKeyPaddingMask : undefined;
      const isCausal = "isCausal" in a ? a.isCausal ?? false : false;
      const sa = (x: Tensor): Tensor =>
        c.dropout1(c.self_attn({ query: x, key: x, value: x, attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal }).output);
      const ff = (x: Tensor): Tensor => c.dropout2(c.linear2(c.dropout(f(c.linear1(x)))));
      if (o.normFirst) {
        const x1 = add(src, sa(c.norm1(src)));
        return add(x1, ff(c.norm2(x1)));
      }
      const x1 = c.norm1(add(src, sa(src)));
      return c.norm2(add(x1, ff(x1)));
    },
  });
};

/**
 * Masked self-attention, attention over the encoder's memory, then a feed-forward block (torch.nn.TransformerDecoderLayer).
 * @example
 * const layer = nn.transformerDecoderLayer({ dModel: 32, nhead: 4, dimFeedforward: 64 });
 * layer.forward(params, { tgt, memory, tgtMask: generateSquareSubsequentMask(tgt.shape[0]) });
 */
export const transformerDecoderLayer = (options: TransformerLayerOptions): Module<DecoderInput, Tensor> => {
  const kind = "TransformerDecoderLayer";
  const o = resolved(kind, options);
  const f = act(o.activation);
  const ln = () => layerNorm({ normalizedShape: o.dModel, eps: o.layerNormEps });
  const mha = () => multiheadAttention({ embedDim: o.dModel, numHeads: o.nhead, dropout: o.dropout, batchFirst: o.batchFirst });
  return defineModule({
    kind,
    config: { ...o },
    children: {
      self_attn: mha(),
      multihead_attn: mha(),
      linear1: linear({ inFeatures: o.dModel, outFeatures: o.dimFeedforward }),
      dropout: dropoutLayer({ p: o.dropout }),
      linear2: linear({ inFeatures: o.dimFeedforward, outFeatures: o.dModel }),
      norm1: ln(),
      norm2: ln(),
      norm3: ln(),
      dropout1: dropoutLayer({ p: o.dropout }),
      dropout2: dropoutLayer({ p: o.dropout }),
      dropout3: dropoutLayer({ p: o.dropout }),
    },
    forward: ({ children: c, fail }, inp: DecoderInput) => {
      const { tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal = false } = inp;
      if (tgt.ndim < 2 || tgt.shape[tgt.ndim - 1] !== o.dModel) fail(`tgt shape ${shapeStr(tgt.shape)} must end in dModel=${o.dModel}`);
      const sa = (x: Tensor): Tensor =>
        c.dropout1(c.self_attn({ query: x, key: x, value: x, attnMask: tgtMask, keyPaddingMask: tgtKeyPaddingMask, needWeights: false, isCausal: tgtIsCausal }).output);
      const ca = (x: Tensor): Tensor =>
        c.dropout2(c.multihead_attn({ query: x, key: memory, value: memory, attnMask: memoryMask, keyPaddingMask: memoryKeyPaddingMask, needWeights: false }).output);
      const ff = (x: Tensor): Tensor => c.dropout3(c.linear2(c.dropout(f(c.linear1(x)))));
      if (o.normFirst) {
        const x1 = add(tgt, sa(c.norm1(tgt)));
        const x2 = add(x1, ca(c.norm2(x1)));
        return add(x2, ff(c.norm3(x2)));
      }
      const x1 = c.norm1(add(tgt, sa(tgt)));
      const x2 = c.norm2(add(x1, ca(x1)));
      return c.norm3(add(x2, ff(x2)));
    },
  });
};

export interface StackOptions {
  /** How many layers (each a fresh copy with its own parameters). */
  readonly numLayers: number;
  /** A final LayerNorm over the stack's output (PyTorch's `norm` argument; default false). */
  readonly norm?: boolean;
}

/**
 * `numLayers` encoder layers in sequence, optionally followed by a LayerNorm (torch.nn.TransformerEncoder).
 * @example
 * const enc = nn.transformerEncoder({ dModel: 32, nhead: 4, dimFeedforward: 64 }, { numLayers: 2 });
 */
export const transformerEncoder = (layer: TransformerLayerOptions, { numLayers, norm = false }: StackOptions): Module<EncoderInput, Tensor> => {
  const kind = "TransformerEncoder";
  checkInt(kind, "numLayers", numLayers);
  const layers = Array.from({ length: numLayers }, () => transformerEncoderLayer(layer));
  const o = resolved(kind, layer);
  return defineModule({
    kind,
    config: { numLayers, norm },
    children: { layers: moduleList(layers), ...(norm ? { norm: layerNorm({ normalizedShape: o.dModel, eps: o.layerNormEps }) } : {}) },
    forward: ({ children: c }, inp: EncoderInput) => {
      const a = "src" in inp ? inp : { src: inp as Tensor };
      let x = a.src;
      for (let i = 0; i < numLayers; i++) x = c.layers({ index: i, input: { ...a, src: x } });
      return c.norm ? c.norm(x) : x;
    },
  });
};

/**
 * `numLayers` decoder layers in sequence, optionally followed by a LayerNorm (torch.nn.TransformerDecoder).
 * @example
 * const dec = nn.transformerDecoder({ dModel: 32, nhead: 4, dimFeedforward: 64 }, { numLayers: 2 });
 */
export const transformerDecoder = (layer: TransformerLayerOptions, { numLayers, norm = false }: StackOptions): Module<DecoderInput, Tensor> => {
  const kind = "TransformerDecoder";
  checkInt(kind, "numLayers", numLayers);
  const layers = Array.from({ length: numLayers }, () => transformerDecoderLayer(layer));
  const o = resolved(kind, layer);
  return defineModule({
    kind,
    config: { numLayers, norm },
    children: { layers: moduleList(layers), ...(norm ? { norm: layerNorm({ normalizedShape: o.dModel, eps: o.layerNormEps }) } : {}) },
    forward: ({ children: c }, inp: DecoderInput) => {
      let x = inp.tgt;
      for (let i = 0; i < numLayers; i++) x = c.layers({ index: i, input: { ...inp, tgt: x } });
      return c.norm ? c.norm(x) : x;
    },
  });
};

export interface TransformerOptions extends TransformerLayerOptions {
  readonly numEncoderLayers?: number;
  readonly numDecoderLayers?: number;
}

/**
 * An encoder-decoder Transformer with final LayerNorms on both stacks; every matrix xavier-uniform (torch.nn.Transformer).
 * @example
 * const model = nn.transformer({ dModel: 32, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64 });
 * model.forward(params, { src, tgt, tgtMask: nn.generateSquareSubsequentMask(tgt.shape[0]) });
 */
export const transformer = ({ numEncoderLayers = 6, numDecoderLayers = 6, dModel = 512, nhead = 8, ...rest }: Partial<TransformerOptions> = {}): Module<TransformerInput, Tensor> => {
  const kind = "Transformer";
  checkInt(kind, "numEncoderLayers", numEncoderLayers);
  checkInt(kind, "numDecoderLayers", numDecoderLayers);
  const layer = { dModel, nhead, ...rest };
  const o = resolved(kind, layer);
  const encoder = transformerEncoder(layer, { numLayers: numEncoderLayers, norm: true });
  const decoder = transformerDecoder(layer, { numLayers: numDecoderLayers, norm: true });
  const m = defineModule({
    kind,
    config: { ...o, numEncoderLayers, numDecoderLayers },
    children: { encoder, decoder },
    forward: ({ children: c, fail }, inp: TransformerInput) => {
      const { src, tgt } = inp;
      const bdim = o.batchFirst ? 0 : 1;
      if (src.ndim === 3 && tgt.ndim === 3 && src.shape[bdim] !== tgt.shape[bdim])
        fail(`the batch number of src ${shapeStr(src.shape)} and tgt ${shapeStr(tgt.shape)} must be equal`);
      const memory = c.encoder({ src, mask: inp.srcMask, srcKeyPaddingMask: inp.srcKeyPaddingMask });
      return c.decoder({
        tgt,
        memory,
        tgtMask: inp.tgtMask,
        memoryMask: inp.memoryMask,
        tgtKeyPaddingMask: inp.tgtKeyPaddingMask,
        memoryKeyPaddingMask: inp.memoryKeyPaddingMask,
      });
    },
  });
  return withXavier(m);
};

/** The module with init replaced: every parameter of rank > 1 xavier-uniform (PyTorch's Transformer._reset_parameters). */
const withXavier = <I, O>(m: Module<I, O>): Module<I, O> => {
  const xu = xavierUniform();
  return Object.freeze({
    ...m,
    init: (k: Key) => {
      const v = m.init(k);
      const leaves = split(foldIn(k, 7919), 1 << 10);
      let i = 0;
      const rec = (p: Params): Params =>
        Object.fromEntries(Object.entries(p).map(([n, t]) => [n, t instanceof Tensor ? (t.ndim > 1 ? xu(leaves[i++ % leaves.length]!, t.shape) : t) : rec(t)]));
      return { params: rec(v.params), state: v.state };
    },
  }) as Module<I, O>;
};
