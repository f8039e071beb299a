// A decoder-only GPT with Hugging Face's GPT-2 module names and layouts (Conv1D weights [in, out], tied lm_head), a KV cache and padding masks.
import { Tensor } from "../../ops/Tensor.js";
import { add, mul, div, sub, where, logicalAnd, eq, cast, maximum } from "../../ops/elementwise.js";
import { arange, ones, scalar } from "../../ops/creation.js";
import { applyPrim } from "../../ops/apply.js";
import { matmul } from "../../ops/linalg.js";
import { permute, reshape, transpose } from "../../ops/layout.js";
import { narrow } from "../../ops/slicing.js";
import { cat } from "../../ops/join.js";
import { cumsum } from "../../ops/reduce.js";
import { gelu, softmax } from "../../ops/activation.js";
import { tril } from "../../ops/triangular.js";
import { dropout as dropoutOp } from "../../ops/dropout.js";
import { embedding as embeddingOp } from "../../ops/embedding.js";
import { shapeStr } from "../../ops/_shape.js";
import { defineModule, type Module, type Variables } from "../../nn/Module.js";
import { layerNorm } from "../../nn/normalization.js";
import { moduleList } from "../../nn/moduleList.js";
import { normal, zeros } from "../../nn/init.js";
import { loadStateDict } from "../../nn/stateDict.js";
import { applyRotary } from "./positionalEncoding.js";
import { tiedEmbedding } from "./_tiedEmbedding.js";
import { key } from "../../ops/random.js";

/** GPT-2's hyper-parameters under Hugging Face's names in camelCase (GPT2Config). */
export interface GptConfig {
  readonly vocabSize: number;
  /** The context length: positions 0…nPositions-1 exist. */
  readonly nPositions: number;
  readonly nEmbd: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly layerNormEpsilon?: number;
  /** Dropout after the embeddings, on attention weights, and after each residual branch (default 0.1 each). */
  readonly embdPdrop?: number;
  readonly attnPdrop?: number;
  readonly residPdrop?: number;
  /** "learned" (GPT-2's wpe table, default) or "rotary" (RoPE on queries and keys; no wpe). */
  readonly positional?: "learned" | "rotary";
}

/** Keys and values of earlier positions, per layer ([B, nHead, past, headDim] each), and how many positions they hold. */
export interface KvCache {
  readonly layers: readonly { readonly k: Tensor; readonly v: Tensor }[];
  readonly length: number;
}

/** What the GPT reads: token ids [B, T] (int32), optionally a cache of earlier positions and a padding mask. */
export type GptInput =
  | Tensor
  | {
      readonly ids: Tensor;
      readonly cache?: KvCache | undefined;
      /**
       * [B, past + T], 1 (or true) on real tokens and 0 on padding, over the cached positions and these (Hugging Face's
       * attention_mask). Positions count real tokens only, so left-padded prompts get the positions unpadded ones would.
       */
      readonly attentionMask?: Tensor | undefined;
    };

/** Next-token logits [B, T, vocabSize], the final hidden states, and the cache extended by these T positions. */
export interface GptOutput {
  readonly logits: Tensor;
  /** The last layer's output after `ln_f`, [B, T, nEmbd] (Hugging Face's last hidden state): what value and reward heads read. */
  readonly hidden: Tensor;
  readonly cache: KvCache;
}

/** GPT-2's gelu_new: the tanh approximation, the same function as gelu(x, { approximate: "tanh" }) (one fused pass). */
const geluNew = (x: Tensor): Tensor => gelu(x, { approximate: "tanh" });

/** x [..., nx] · W [nx, nf] + b: GPT-2's "Conv1D" (a linear layer whose weight is stored transposed). */
const conv1D = (nx: number, nf: number, std = 0.02): Module =>
  defineModule({
    kind: "Conv1D",
    config: { nf, nx },
    extraRepr: `nf=${nf}, nx=${nx}`,
    params: { weight: { shape: [nx, nf], init: normal({ std }) }, bias: { shape: [nf], init: zeros() } },
    forward: ({ params, fail }, x: Tensor) => {
      if (x.shape[x.ndim - 1] !== nx) fail(`input shape ${shapeStr(x.shape)} must end in nx=${nx}`);
      const n = x.size / nx;
      const y = applyPrim("matmul", [reshape(x, [1, n, nx]), reshape(params.weight, [1, nx, nf])], { transA: false, transB: false });
      return add(reshape(y, [...x.shape.slice(0, -1), nf]), params.bias);
    },
  });

/** One block's input: hidden states, this layer's cached keys/values, the allowed-attention mask and positions (rotary). */
interface BlockInput {
  readonly x: Tensor;
  readonly past: { readonly k: Tensor; readonly v: Tensor } | undefined;
  /** bool [B or 1, 1, T, past + T]: true where a query may attend to a key. */
  readonly allowed: Tensor;
  readonly positions: Tensor;
}

interface BlockOutput {
  readonly x: Tensor;
  readonly k: Tensor;
  readonly v: Tensor;
}

// float32's lowest value, as Hugging Face masks with: rows that are all padding stay finite (uniform) instead of NaN.
const MASKED = -3.4028234663852886e38;

const block = (c: Required<GptConfig>): Module<BlockInput, BlockOutput> => {
  const e = c.nEmbd;
  const hd = e / c.nHead;
  const projStd = 0.02 / Math.sqrt(2 * c.nLayer);
  const attn = defineModule({
    kind: "GPT2Attention",
    children: { c_attn: conv1D(e, 3 * e), c_proj: conv1D(e, e, projStd) },
    forward: (ctx, inp: BlockInput): BlockOutput => {
      const { children: ch, training } = ctx;
      const [B, T] = inp.x.shape as [number, number, number];
      const qkv = ch.c_attn(inp.x);
      const heads = (i: number): Tensor => permute(reshape(narrow(qkv, 2, i * e, e), [B, T, c.nHead, hd]), [0, 2, 1, 3]);
      let q = heads(0);
      let k = heads(1);
      const v0 = heads(2);
      if (c.positional === "rotary") {
        q = applyRotary(q, inp.positions);
        k = applyRotary(k, inp.positions);
      }
      const kAll = inp.past ? cat([inp.past.k, k], 2) : k;
      const vAll = inp.past ? cat([inp.past.v, v0], 2) : v0;
      const scores = div(matmul(q, transpose(kAll, -2, -1)), Math.sqrt(hd));
      let w = softmax(where(inp.allowed, scores, MASKED), -1);
      if (training && c.attnPdrop > 0) w = dropoutOp(ctx.key(), w, { p: c.attnPdrop });
      const merged = reshape(permute(matmul(w, vAll), [0, 2, 1, 3]), [B, T, e]);
      const out = ch.c_proj(merged);
      return { x: training && c.residPdrop > 0 ? dropoutOp(ctx.key(), out, { p: c.residPdrop }) : out, k: kAll, v: vAll };
    },
  });
  const mlp = defineModule({
    kind: "GPT2MLP",
    children: { c_fc: conv1D(e, 4 * e), c_proj: conv1D(4 * e, e, projStd) },
    forward: (ctx, x: Tensor) => {
      const y = ctx.children.c_proj(geluNew(ctx.children.c_fc(x)));
      return ctx.training && c.residPdrop > 0 ? dropoutOp(ctx.key(), y, { p: c.residPdrop }) : y;
    },
  });
  const ln = () => layerNorm({ normalizedShape: e, eps: c.layerNormEpsilon });
  return defineModule({
    kind: "GPT2Block",
    children: { ln_1: ln(), attn, ln_2: ln(), mlp },
    forward: ({ children: ch }, inp: BlockInput): BlockOutput => {
      const a = ch.attn({ ...inp, x: ch.ln_1(inp.x) });
      const x1 = add(inp.x, a.x);
      return { x: add(x1, ch.mlp(ch.ln_2(x1))), k: a.k, v: a.v };
    },
  });
};

const resolve = (config: GptConfig): Required<GptConfig> => {
  const c: Required<GptConfig> = { layerNormEpsilon: 1e-5, embdPdrop: 0.1, attnPdrop: 0.1, residPdrop: 0.1, positional: "learned", ...config };
  for (const k of ["vocabSize", "nPositions", "nEmbd", "nLayer", "nHead"] as const)
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`gpt: config.${k} must be a positive integer, got ${String(c[k])}`);
  if (c.nEmbd % c.nHead !== 0) throw new Error(`gpt: config.nEmbd=${c.nEmbd} must be divisible by config.nHead=${c.nHead}`);
  if (c.positional === "rotary" && (c.nEmbd / c.nHead) % 2 !== 0) throw new Error(`gpt: rotary positions need an even head size, got ${c.nEmbd / c.nHead}`);
  if (c.positional !== "learned" && c.positional !== "rotary") throw new Error(`gpt: config.positional must be "learned" or "rotary", got ${String(c.positional)}`);
  for (const k of ["embdPdrop", "attnPdrop", "residPdrop"] as const)
    if (!(c[k] >= 0 && c[k] <= 1)) throw new Error(`gpt: config.${k} must be in [0, 1], got ${String(c[k])}`);
  return c;
};

/**
 * GPT-2 as Hugging Face's GPT2LMHeadModel lays it out: `transformer.wte`, `transformer.wpe`, `transformer.h.{i}.ln_1`,
 * `.attn.c_attn` (Conv1D [E, 3E]), `.attn.c_proj`, `.ln_2`, `.mlp.c_fc`, `.mlp.c_proj`, `transformer.ln_f`; the LM head
 * is tied to `transformer.wte` (no separate parameter). Initialised as GPT-2: N(0, 0.02), residual projections
 * N(0, 0.02/√(2·nLayer)), zero biases. A sequence longer than `nPositions` (cache included) is an error; `generate`
 * crops its context to the last nPositions tokens instead.
 * @example
 * const model = gpt({ vocabSize: 50257, nPositions: 1024, nEmbd: 768, nLayer: 12, nHead: 12 });
 * const { logits, cache } = model.forward(params, ids); // logits [B, T, 50257]
 */
export const gpt = (config: GptConfig): Module<GptInput, GptOutput> => {
  const c = resolve(config);
  const blocks = Array.from({ length: c.nLayer }, () => block(c));
  const learned = c.positional === "learned";
  const body = defineModule({
    kind: "GPT2Model",
    config: { ...c },
    params: {},
    children: {
      wte: tiedEmbedding(c.vocabSize, c.nEmbd, 0.02),
      ...(learned
        ? { wpe: defineModule({ kind: "Embedding", extraRepr: `${c.nPositions}, ${c.nEmbd}`, params: { weight: { shape: [c.nPositions, c.nEmbd], init: normal({ std: 0.01 }) } }, forward: ({ params }, pos: Tensor) => embeddingOp(params.weight, pos) }) }
        : {}),
      h: moduleList(blocks),
      ln_f: layerNorm({ normalizedShape: c.nEmbd, eps: c.layerNormEpsilon }),
    },
    forward: (ctx, inp: { ids: Tensor; cache: KvCache | undefined; attentionMask: Tensor | undefined }): GptOutput => {
      const { children: ch, fail, training } = ctx;
      const { ids, cache, attentionMask } = inp;
      if (!(ids instanceof Tensor) || ids.dtype !== "int32" || ids.ndim !== 2) fail(`ids must be an int32 tensor [batch, time], got ${ids instanceof Tensor ? `${ids.dtype} ${shapeStr(ids.shape)}` : typeof ids}`);
      const [B, T] = ids.shape as [number, number];
      const past = cache?.length ?? 0;
      if (cache && cache.layers.length !== c.nLayer) fail(`cache has ${cache.layers.length} layers, the model ${c.nLayer}`);
      if (cache && cache.layers[0] && cache.layers[0].k.shape[0] !== B) fail(`cache holds a batch of ${cache.layers[0].k.shape[0]}, ids a batch of ${B}`);
      if (past + T > c.nPositions)
        fail(`sequence of ${past + T} positions (${past} cached + ${T} new) is longer than the context nPositions=${c.nPositions}`);
      const S = past + T;
      // Causal: query i (absolute past+i) sees keys 0…past+i.
      let allowed = reshape(tril(ones([T, S], { dtype: "bool" }), past), [1, 1, T, S]);
      let positions: Tensor = reshape(arange(past, S, 1, { dtype: "int32" }), [1, T]);
      if (attentionMask !== undefined) {
        if (attentionMask.ndim !== 2 || attentionMask.shape[0] !== B || attentionMask.shape[1] !== S)
          fail(`attentionMask has shape ${shapeStr(attentionMask.shape)}, expected ${shapeStr([B, S])} ([batch, cached + new positions])`);
        const real = attentionMask.dtype === "bool" ? attentionMask : cast(attentionMask, "bool");
        allowed = logicalAnd(allowed, reshape(real, [B, 1, 1, S]));
        // Positions count real tokens only (Hugging Face: cumsum(mask) - 1, padding at 0).
        const counted = maximum(sub(cumsum(cast(real, "int32"), 1), 1), scalar(0, { dtype: "int32" }));
        positions = narrow(counted, 1, past, T);
      }
      if (learned && attentionMask === undefined) positions = reshape(positions, [T]);
      let x: Tensor = ch.wte(ids);
      if (ch.wpe) x = add(x, ch.wpe(positions));
      if (training && c.embdPdrop > 0) x = dropoutOp(ctx.key(), x, { p: c.embdPdrop });
      const layers: { k: Tensor; v: Tensor }[] = [];
      for (let i = 0; i < c.nLayer; i++) {
        const r = ch.h({ index: i, input: { x, past: cache?.layers[i], allowed, positions } });
        x = r.x;
        layers.push({ k: r.k, v: r.v });
      }
      // The LM head is the token table itself (tied weights), so its gradient sums both uses.
      const hidden = ch.ln_f(x);
      return { logits: ch.wte({ attend: hidden }), hidden, cache: { layers, length: S } };
    },
  });
  return defineModule({
    kind: "GPT2LMHeadModel",
    config: { ...c },
    children: { transformer: body },
    forward: ({ children: ch, fail }, inp: GptInput): GptOutput => {
      const a = inp instanceof Tensor ? { ids: inp, cache: undefined, attentionMask: undefined } : { ids: inp.ids, cache: inp.cache, attentionMask: inp.attentionMask };
      if (!a.ids) fail(`expects token ids [batch, time] or { ids, cache?, attentionMask? }`);
      return ch.transformer(a);
    },
  });
};

/**
 * Loads a Hugging Face GPT-2 state_dict (e.g. a model.safetensors' tensors) into `gpt` variables. Keys may carry the
 * `transformer.` prefix (GPT2LMHeadModel) or not (GPT2Model); the causal-mask buffers `attn.bias`/`attn.masked_bias`
 * are skipped; an `lm_head.weight` must equal `wte` (tied). Missing, unexpected or wrongly-shaped entries are errors
 * naming the parameter.
 * @example
 * const { tensors } = await Effect.runPromise(loadSafetensors("gpt2/model.safetensors"));
 * const variables = loadGpt2StateDict(model, tensors);
 */
export const loadGpt2StateDict = (model: Module<GptInput, GptOutput>, tensors: Readonly<Record<string, Tensor>>): Variables => {
  const dict: Record<string, Tensor> = {};
  let head: Tensor | undefined;
  for (const [name, t] of Object.entries(tensors)) {
    if (/(^|\.)attn\.(bias|masked_bias)$/.test(name)) continue;
    if (name === "lm_head.weight") {
      head = t;
      continue;
    }
    dict[name.startsWith("transformer.") ? name : `transformer.${name}`] = cast(t, "float32");
  }
  const wte = dict["transformer.wte.weight"];
  if (head && wte) {
    const a = head.dataSync();
    const b = wte.dataSync();
    if (a.length !== b.length || a.some((v, i) => v !== b[i]))
      throw new Error(`loadGpt2StateDict: lm_head.weight ${shapeStr(head.shape)} differs from transformer.wte.weight ${shapeStr(wte.shape)}; only a tied LM head is supported`);
  }
  // The fresh variables are only a template: strict loading replaces every one of them.
  return loadStateDict(model, model.init(key(0)), dict);
};
