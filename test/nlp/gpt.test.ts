// GPT with GPT-2's layout against a plain-torch GPT-2 (test/fixtures/gen_gpt.py): safetensors load, logits, tied-head gradients, KV cache, padding.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nn, key, grad, packCheckpoint, unpackCheckpoint, crossEntropy, decodeSafetensors, encodeSafetensors, reshape, narrow, cat, tensor, randint, zeros } from "../../src/index.js";
import { gpt, loadGpt2StateDict, type GptConfig } from "../../src/nlp/models/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const fx = JSON.parse(readFileSync(here("../fixtures/gpt.json"), "utf8")) as {
  config: { vocab_size: number; n_positions: number; n_embd: number; n_layer: number; n_head: number };
  ids: TensorJson;
  logits: TensorJson;
  targets: TensorJson;
  loss: number;
  grads: Record<string, TensorJson>;
  prompt: TensorJson;
  greedy: TensorJson;
};
const cfg = { vocabSize: fx.config.vocab_size, nPositions: fx.config.n_positions, nEmbd: fx.config.n_embd, nLayer: fx.config.n_layer, nHead: fx.config.n_head };
const model = gpt(cfg);
const file = decodeSafetensors(new Uint8Array(readFileSync(here("../fixtures/gpt/gpt2_tiny.safetensors"))), { source: "gpt2_tiny.safetensors" });
const tol = { atol: 3e-5, rtol: 3e-4 };

describe("GPT loads a GPT-2 state_dict and computes what PyTorch computes", () => {
  const variables = loadGpt2StateDict(model, file.tensors);
  const ids = fromJson(fx.ids);

  it("has Hugging Face's names and shapes (Conv1D weights [in, out]; the LM head tied, so no lm_head entry)", () => {
    const sd = nn.stateDict(model, model.init(key(1)));
    const expected = Object.entries(file.tensors).filter(([k]) => !/\.attn\.bias$|^lm_head/.test(k)).map(([k, t]) => [k, [...t.shape]]);
    expect(Object.entries(sd).map(([k, t]) => [k, [...t.shape]]).sort()).toEqual(expected.sort());
    expect(sd["transformer.h.0.attn.c_attn.weight"]!.shape).toEqual([16, 48]);
  });

  it("logits equal the reference model's", () => {
    expectClose(model.forward(variables.params, ids).logits, fx.logits, tol, "logits");
  });

  it("keys without the transformer. prefix (GPT2Model files) load the same", () => {
    const bare = Object.fromEntries(Object.entries(file.tensors).filter(([k]) => k !== "lm_head.weight").map(([k, t]) => [k.replace(/^transformer\./, ""), t]));
    expectClose(model.forward(loadGpt2StateDict(model, bare).params, ids).logits, fx.logits, tol, "logits");
  });

  it("gradients of the next-token loss match, the tied table's summing both uses", () => {
    const targets = fromJson(fx.targets);
    const g = grad((p: nn.Params) => {
      const logits = model.forward(p, ids).logits;
      return crossEntropy(reshape(logits, [20, cfg.vocabSize]), reshape(targets, [20]));
    })(variables.params);
    const named = Object.fromEntries(nn.namedParameters(g));
    for (const [k, t] of Object.entries(fx.grads)) expectClose(named[k]!, t, tol, `grad of ${k}`);
  });

  it("the KV cache gives the same logits as one full pass", () => {
    const full = model.forward(variables.params, ids).logits;
    const first = model.forward(variables.params, narrow(ids, 1, 0, 6));
    const rest = model.forward(variables.params, { ids: narrow(ids, 1, 6, 4), cache: first.cache });
    expect(rest.cache.length).toBe(10);
    expectClose(cat([first.logits, rest.logits], 1), full, { atol: 1e-5, rtol: 1e-4 }, "cached logits");
  });

  it("a left-padded sequence with its attention mask gets the unpadded sequence's logits", () => {
    const row = narrow(ids, 0, 0, 1);
    const padded = cat([zeros([1, 3], { dtype: "int32" }), narrow(row, 1, 0, 7)], 1);
    const mask = tensor([[0, 0, 0, 1, 1, 1, 1, 1, 1, 1]], { dtype: "int32" });
    const a = model.forward(variables.params, { ids: padded, attentionMask: mask }).logits;
    const b = model.forward(variables.params, narrow(row, 1, 0, 7)).logits;
    expectClose(narrow(a, 1, 3, 7), b, { atol: 1e-5, rtol: 1e-4 }, "padded logits");
  });

  it("a checkpoint carries the config beside the weights, so the model can be rebuilt from the file alone", () => {
    const packed = packCheckpoint({ params: variables.params }, { model, metadata: { "gpt.config": JSON.stringify(model.config) } });
    const file2 = decodeSafetensors(encodeSafetensors(packed.tensors, packed.metadata));
    const rebuilt = gpt(JSON.parse(file2.metadata["gpt.config"]!) as GptConfig);
    const { variables: v2 } = unpackCheckpoint(file2, { model: rebuilt });
    expectClose(rebuilt.forward(v2.params, ids).logits, fx.logits, tol, "logits after the round trip");
  });

  it("errors name what was wrong", () => {
    const long = randint(key(2), 0, 50, [1, 17]);
    expect(() => model.forward(variables.params, long)).toThrow(/sequence of 17 positions \(0 cached \+ 17 new\) is longer than the context nPositions=16/);
    const bad = { ...file.tensors, "transformer.h.1.mlp.c_fc.weight": zeros([64, 16]) };
    expect(() => loadGpt2StateDict(model, bad)).toThrow(/transformer\.h\.1\.mlp\.c_fc\.weight/);
    const untied = { ...file.tensors, "lm_head.weight": zeros([50, 16]) };
    expect(() => loadGpt2StateDict(model, untied)).toThrow(/only a tied LM head/);
    expect(() => gpt({ ...cfg, nHead: 3 })).toThrow(/nEmbd=16 must be divisible by config.nHead=3/);
    expect(() => model.forward(variables.params, { ids, attentionMask: zeros([2, 9]) })).toThrow(/attentionMask has shape \[2, 9\], expected \[2, 10\]/);
  });
});
