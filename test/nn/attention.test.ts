// Attention and the Transformer against PyTorch (test/fixtures/gen_attention.py): outputs, attention weights and gradients.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nn, key, grad, mul, sum, add, randn, ones, zeros, tensor, narrow, scaledDotProductAttention, type Tensor } from "../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";

interface AttnCase {
  readonly name: string;
  readonly kind: "sdpa" | "mha" | "encoderLayer" | "decoderLayer" | "transformer";
  readonly options: Record<string, number | boolean | string>;
  readonly stateDict: Record<string, TensorJson>;
  readonly inputs: Record<string, TensorJson>;
  readonly outputs: Record<string, TensorJson>;
  readonly cotangents: Record<string, TensorJson>;
  readonly paramGrads: Record<string, TensorJson>;
  readonly inputGrads: Record<string, TensorJson>;
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/attention.json", import.meta.url)), "utf8")) as { cases: AttnCase[] };

type Run = (p: nn.Params, i: Record<string, Tensor>) => Record<string, Tensor>;

const layerOpts = (o: AttnCase["options"]): nn.TransformerLayerOptions => ({
  dModel: o.dModel as number,
  nhead: o.nhead as number,
  dimFeedforward: o.dimFeedforward as number,
  dropout: 0,
  ...(o.activation ? { activation: o.activation as "relu" | "gelu" } : {}),
  ...(o.batchFirst ? { batchFirst: true } : {}),
  ...(o.normFirst ? { normFirst: true } : {}),
});

const setup = (c: AttnCase): { model?: nn.Module<never, unknown>; run: Run } => {
  const o = c.options;
  switch (c.kind) {
    case "sdpa":
      return { run: (_p, i) => ({ output: scaledDotProductAttention(i.q!, i.k!, i.v!, { attnMask: i.attnMask, isCausal: o.isCausal === true }) }) };
    case "mha": {
      const m = nn.multiheadAttention({ embedDim: o.embedDim as number, numHeads: o.numHeads as number, batchFirst: o.batchFirst === true, bias: o.bias !== false });
      const run: Run = (p, i) => {
        const r = m.forward(p, {
          query: i.query!,
          key: o.selfAttn ? i.query! : i.key!,
          value: o.selfAttn ? i.query! : i.value!,
          keyPaddingMask: i.keyPaddingMask,
          attnMask: i.attnMask,
          averageAttnWeights: o.average as boolean,
        });
        return { output: r.output, weights: r.weights! };
      };
      return { model: m as nn.Module<never, unknown>, run };
    }
    case "encoderLayer": {
      const m = nn.transformerEncoderLayer(layerOpts(o));
      return { model: m as nn.Module<never, unknown>, run: (p, i) => ({ output: m.forward(p, { src: i.src!, mask: i.mask, srcKeyPaddingMask: i.srcKeyPaddingMask }) }) };
    }
    case "decoderLayer": {
      const m = nn.transformerDecoderLayer(layerOpts(o));
      const run: Run = (p, i) => ({ output: m.forward(p, { tgt: i.tgt!, memory: i.memory!, tgtMask: i.tgtMask, memoryKeyPaddingMask: i.memoryKeyPaddingMask }) });
      return { model: m as nn.Module<never, unknown>, run };
    }
    case "transformer": {
      const m = nn.transformer({ ...layerOpts(o), numEncoderLayers: o.numEncoderLayers as number, numDecoderLayers: o.numDecoderLayers as number });
      const run: Run = (p, i) => ({
        output: m.forward(p, { src: i.src!, tgt: i.tgt!, tgtMask: i.tgtMask, srcKeyPaddingMask: i.srcKeyPaddingMask, memoryKeyPaddingMask: i.memoryKeyPaddingMask }),
      });
      return { model: m as nn.Module<never, unknown>, run };
    }
  }
};

const tol = { atol: 3e-5, rtol: 3e-4 };

describe("attention and Transformer layers match PyTorch", () => {
  for (const c of fixture.cases) {
    it(`${c.name}: state_dict names, outputs and gradients`, () => {
      const { model, run } = setup(c);
      let params: nn.Params = {};
      if (model) {
        const fresh = model.init(key(0));
        const shapes = Object.entries(nn.stateDict(model, fresh)).map(([k, t]) => [k, [...t.shape]]);
        expect(shapes).toEqual(Object.entries(c.stateDict).map(([k, t]) => [k, t.shape]));
        params = nn.loadStateDict(model, fresh, Object.fromEntries(Object.entries(c.stateDict).map(([k, t]) => [k, fromJson(t)]))).params;
      }
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, fromJson(t)]));
      const outs = run(params, inputs);
      for (const [k, t] of Object.entries(c.outputs)) expectClose(outs[k]!, t, tol, `${c.name} ${k}`);
      const floats = Object.keys(c.inputGrads);
      const cots = Object.fromEntries(Object.entries(c.cotangents).map(([k, t]) => [k, fromJson(t)]));
      const g = grad((a: { p: nn.Params; x: Tensor[] }) => {
        const all = { ...inputs, ...Object.fromEntries(floats.map((k, j) => [k, a.x[j]!])) };
        const o = run(a.p, all);
        return Object.keys(cots).map((k) => sum(mul(o[k]!, cots[k]!))).reduce((u, v) => add(u, v));
      })({ p: params, x: floats.map((k) => inputs[k]!) });
      const named = Object.fromEntries(nn.namedParameters(g.p));
      for (const [k, t] of Object.entries(c.paramGrads)) expectClose(named[k]!, t, tol, `${c.name} grad of ${k}`);
      floats.forEach((k, j) => expectClose(g.x[j]!, c.inputGrads[k]!, tol, `${c.name} grad of ${k}`));
    });
  }
});

describe("attention: masks, dropout and errors", () => {
  const q = randn(key(1), [2, 4, 8]);
  it("a bool mask equals the additive mask with -inf where it is false; isCausal equals the causal mask", () => {
    const allowed = tensor([[1, 0, 1, 1], [1, 1, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]], { dtype: "bool" });
    const additive = tensor([[0, -Infinity, 0, 0], [0, 0, -Infinity, -Infinity], [0, 0, 0, 0], [-Infinity, 0, -Infinity, 0]]);
    expectClose(scaledDotProductAttention(q, q, q, { attnMask: allowed }), scaledDotProductAttention(q, q, q, { attnMask: additive }), { atol: 1e-6, rtol: 1e-6 });
    expectClose(
      scaledDotProductAttention(q, q, q, { isCausal: true }),
      scaledDotProductAttention(q, q, q, { attnMask: nn.generateSquareSubsequentMask(4) }),
      { atol: 1e-6, rtol: 1e-6 },
    );
    // The first query under a causal mask sees only the first key, so it returns the first value.
    expectClose(narrow(scaledDotProductAttention(q, q, q, { isCausal: true }), 1, 0, 1), narrow(q, 1, 0, 1), { atol: 1e-6, rtol: 1e-6 });
  });

  it("dropout on the weights needs a key and changes the result", () => {
    expect(() => scaledDotProductAttention(q, q, q, { dropoutP: 0.5 })).toThrow(/dropoutP=0.5 needs a key/);
    const d = scaledDotProductAttention(q, q, q, { dropoutP: 0.5, key: key(3) });
    expect(Array.from(d.dataSync())).not.toEqual(Array.from(scaledDotProductAttention(q, q, q).dataSync()));
  });

  it("masks of the wrong shape name both shapes", () => {
    expect(() => scaledDotProductAttention(q, q, q, { attnMask: ones([3, 4], { dtype: "bool" }) })).toThrow(/attnMask of shape \[3, 4\] does not broadcast to the attention scores' shape \[2, 4, 4\]/);
    const mha = nn.multiheadAttention({ embedDim: 8, numHeads: 2 });
    const p = mha.init(key(0)).params;
    const x = randn(key(2), [4, 2, 8]);
    expect(() => mha.forward(p, { query: x, key: x, value: x, attnMask: zeros([4, 3]) })).toThrow(/attnMask has shape \[4, 3\], expected \[4, 4\] or \[4, 4, 4\]/);
    expect(() => mha.forward(p, { query: x, key: x, value: x, keyPaddingMask: zeros([4, 2], { dtype: "bool" }) })).toThrow(/keyPaddingMask has shape \[4, 2\], expected \[2, 4\]/);
    expect(() => nn.multiheadAttention({ embedDim: 10, numHeads: 3 })).toThrow(/embedDim=10 must be divisible by numHeads=3/);
  });

  it("the Transformer's parameters are xavier-uniform and its layers distinct", () => {
    const t = nn.transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16 });
    const sd = nn.stateDict(t, t.init(key(0)));
    const w0 = sd["encoder.layers.0.linear1.weight"]!.dataSync();
    const w1 = sd["encoder.layers.1.linear1.weight"]!.dataSync();
    expect(Array.from(w0)).not.toEqual(Array.from(w1));
    const bound = Math.sqrt(6 / (8 + 16));
    expect(Math.max(...Array.from(w0, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(w0, Math.abs))).toBeGreaterThan(bound * 0.8);
    expect(Object.keys(sd)).toContain("decoder.norm.weight");
  });
});
