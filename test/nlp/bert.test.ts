// BERT (BertForMaskedLM layout) against a plain-torch BERT (test/fixtures/gen_bert.py): names, MLM logits with segments and padding, gradients.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nn, key, grad, crossEntropy, decodeSafetensors, reshape, zeros, bert, loadBertStateDict } from "../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const fx = JSON.parse(readFileSync(here("../fixtures/bert.json"), "utf8")) as {
  config: Record<string, number>;
  ids: TensorJson;
  tokenTypeIds: TensorJson;
  attentionMask: TensorJson;
  logits: TensorJson;
  labels: TensorJson;
  loss: number;
  grads: Record<string, TensorJson>;
};
const C = fx.config;
const model = bert({
  vocabSize: C.vocab_size!, hiddenSize: C.hidden_size!, numHiddenLayers: C.num_hidden_layers!, numAttentionHeads: C.num_attention_heads!,
  intermediateSize: C.intermediate_size!, maxPositionEmbeddings: C.max_position_embeddings!, typeVocabSize: C.type_vocab_size!, layerNormEps: C.layer_norm_eps!,
});
const file = decodeSafetensors(new Uint8Array(readFileSync(here("../fixtures/bert/bert_tiny.safetensors"))));
const tol = { atol: 3e-5, rtol: 3e-4 };

describe("BERT masked-LM matches the PyTorch reference", () => {
  const { params } = loadBertStateDict(model, file.tensors);
  const input = { inputIds: fromJson(fx.ids), tokenTypeIds: fromJson(fx.tokenTypeIds), attentionMask: fromJson(fx.attentionMask) };

  it("has BertForMaskedLM's names (the tied decoder has no entry of its own)", () => {
    const names = Object.keys(nn.stateDict(model, model.init(key(1))));
    // The file's names sorted by the writer; PyTorch's order is the gen_bert.py listing, which stateDict follows.
    expect([...names].sort()).toEqual(Object.keys(file.tensors).filter((k) => !k.startsWith("cls.predictions.decoder")).sort());
    expect(names.slice(-5)).toEqual(["cls.predictions.bias", "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight", "cls.predictions.transform.LayerNorm.bias"]);
    expect(names).toContain("bert.encoder.layer.1.attention.output.LayerNorm.weight");
  });

  it("MLM logits with segment ids and a padding mask, and the gradients of a masked-token loss", () => {
    expectClose(model.forward(params, input).logits, fx.logits, tol, "logits");
    const labels = reshape(fromJson(fx.labels), [14]);
    const g = grad((p: nn.Params) => crossEntropy(reshape(model.forward(p, input).logits, [14, C.vocab_size!]), labels))(params);
    const named = Object.fromEntries(nn.namedParameters(g));
    for (const [k, t] of Object.entries(fx.grads)) expectClose(named[k]!, t, tol, `grad of ${k}`);
  });

  it("errors name what was wrong", () => {
    expect(() => model.forward(params, { inputIds: input.inputIds, attentionMask: zeros([2, 6]) })).toThrow(/attentionMask has shape \[2, 6\], expected inputIds' shape \[2, 7\]/);
    const untied = { ...file.tensors, "cls.predictions.decoder.weight": zeros([40, 16]) };
    expect(() => loadBertStateDict(model, untied)).toThrow(/cls\.predictions\.decoder\.weight is not tied/);
  });
});
