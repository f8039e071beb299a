// nn.rnn / nn.lstm / nn.gru against PyTorch (test/fixtures/gen_rnn.py): names, printing, outputs, final states and gradients.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nn, key, grad, mul, sum, add, randn, tensor, zeros, select, type Tensor } from "../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";

interface RnnCase {
  readonly name: string;
  readonly kind: "RNN" | "LSTM" | "GRU";
  readonly options: Record<string, number | boolean | string>;
  readonly repr: string;
  readonly stateDict: Record<string, TensorJson>;
  readonly input: TensorJson;
  readonly states: TensorJson[];
  readonly lengths: number[] | null;
  readonly output: TensorJson;
  readonly finals: TensorJson[];
  readonly cotangents: TensorJson[];
  readonly paramGrads: Record<string, TensorJson>;
  readonly inputGrad: TensorJson;
  readonly stateGrads: TensorJson[];
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/rnn.json", import.meta.url)), "utf8")) as { cases: RnnCase[] };

const build = (c: RnnCase): nn.Module<nn.RecurrentInput, nn.RecurrentOutput> => {
  const o = c.options;
  const opts = {
    inputSize: o.input_size as number,
    hiddenSize: o.hidden_size as number,
    ...(o.num_layers !== undefined ? { numLayers: o.num_layers as number } : {}),
    ...(o.bias !== undefined ? { bias: o.bias as boolean } : {}),
    ...(o.batch_first !== undefined ? { batchFirst: o.batch_first as boolean } : {}),
    ...(o.bidirectional !== undefined ? { bidirectional: o.bidirectional as boolean } : {}),
  };
  if (c.kind === "RNN") return nn.rnn({ ...opts, ...(o.nonlinearity ? { nonlinearity: o.nonlinearity as "tanh" | "relu" } : {}) });
  return c.kind === "LSTM" ? nn.lstm(opts) : nn.gru(opts);
};

const tol = { atol: 2e-5, rtol: 2e-4 };

describe("recurrent layers match PyTorch", () => {
  for (const c of fixture.cases) {
    it(`${c.name}: state_dict names, repr, outputs, final states and gradients`, () => {
      const model = build(c);
      expect(model.toString()).toBe(c.repr);
      const fresh = model.init(key(0));
      const shapes = Object.entries(nn.stateDict(model, fresh)).map(([k, t]) => [k, [...t.shape]]);
      expect(shapes).toEqual(Object.entries(c.stateDict).map(([k, t]) => [k, t.shape]));
      const dict = Object.fromEntries(Object.entries(c.stateDict).map(([k, t]) => [k, fromJson(t)]));
      const { params } = nn.loadStateDict(model, fresh, dict);
      const x = fromJson(c.input);
      const states = c.states.map(fromJson);
      const run = (p: nn.Params, xx: Tensor, ss: Tensor[]): nn.RecurrentOutput =>
        model.forward(p, { input: xx, h0: ss[0], c0: ss[1], lengths: c.lengths ?? undefined });
      const out = run(params, x, states);
      expectClose(out.output, c.output, tol, `${c.name} output`);
      const finals = c.kind === "LSTM" ? [out.hN, out.cN!] : [out.hN];
      finals.forEach((f, i) => expectClose(f, c.finals[i]!, tol, `${c.name} final ${i}`));
      const cots = c.cotangents.map(fromJson);
      const g = grad((args: { p: nn.Params; x: Tensor; s: Tensor[] }) => {
        const r = run(args.p, args.x, args.s);
        const fs = c.kind === "LSTM" ? [r.output, r.hN, r.cN!] : [r.output, r.hN];
        return fs.map((f, i) => sum(mul(f, cots[i]!))).reduce((u, v) => add(u, v));
      })({ p: params, x, s: states });
      const named = Object.fromEntries(nn.namedParameters(g.p));
      for (const [k, t] of Object.entries(c.paramGrads)) expectClose(named[k]!, t, tol, `${c.name} grad of ${k}`);
      expectClose(g.x, c.inputGrad, tol, `${c.name} grad of input`);
      c.stateGrads.forEach((t, i) => expectClose(g.s[i]!, t, tol, `${c.name} grad of state ${i}`));
    });
  }
});

describe("recurrent layers: masks, dropout, unbatched input and errors", () => {
  const lstm = nn.lstm({ inputSize: 3, hiddenSize: 4, batchFirst: true, bidirectional: true });
  const { params } = lstm.init(key(1));
  const x = randn(key(2), [2, 5, 3]);

  it("a prefix mask gives the same result as the lengths it encodes", () => {
    const mask = tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], { dtype: "bool" });
    const a = lstm.forward(params, { input: x, mask });
    const b = lstm.forward(params, { input: x, lengths: [3, 5] });
    expectClose(a.output, b.output, { atol: 0, rtol: 0 }, "output");
    expectClose(a.hN, b.hN, { atol: 0, rtol: 0 }, "hN");
    // Outputs past a sequence's end are exactly zero.
    expect(Array.from(a.output.dataSync().slice(3 * 8, 5 * 8)).every((v) => v === 0)).toBe(true);
  });

  it("an unbatched [L, H] input equals the batch of one", () => {
    const one = lstm.forward(params, select(x, 0, 0));
    const batch = lstm.forward(params, x);
    expectClose(one.output, select(batch.output, 0, 0), { atol: 1e-6, rtol: 1e-6 }, "output");
    expect(one.hN.shape).toEqual([2, 4]);
    expectClose(one.hN, select(batch.hN, 1, 0), { atol: 1e-6, rtol: 1e-6 }, "hN");
  });

  it("dropout between layers acts only in training mode and needs a key", () => {
    const gru = nn.gru({ inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5 });
    const p = gru.init(key(3)).params;
    const xt = randn(key(4), [5, 2, 3]);
    const ev = gru.forward(p, xt).output;
    const tr = gru.apply({ params: p, state: {} }, xt, { training: true, key: key(5) }).output.output;
    expect(Array.from(tr.dataSync())).not.toEqual(Array.from(ev.dataSync()));
    expect(() => gru.apply({ params: p, state: {} }, xt, { training: true })).toThrow(/key/);
    expect(gru.toString()).toBe("GRU(3, 4, num_layers=2, dropout=0.5)");
  });

  it("bad input is named", () => {
    expect(() => lstm.forward(params, randn(key(0), [2, 5, 4]))).toThrow(/LSTM: input shape \[2, 5, 4\] must end in inputSize=3/);
    expect(() => lstm.forward(params, { input: x, h0: zeros([1, 2, 4]) })).toThrow(/h0 has shape \[1, 2, 4\], expected \[2, 2, 4\]/);
    expect(() => lstm.forward(params, { input: x, lengths: [6, 1] })).toThrow(/lengths\[0\] = 6 must be an integer in 1…5/);
    expect(() => lstm.forward(params, { input: x, mask: tensor([[1, 0, 1, 0, 0], [1, 1, 1, 1, 1]], { dtype: "bool" }) })).toThrow(/not a prefix/);
    expect(() => nn.rnn({ inputSize: 3, hiddenSize: 4, nonlinearity: "sigmoid" as "tanh" })).toThrow(/nonlinearity/);
    expect(() => nn.gru({ inputSize: 3, hiddenSize: 4 }).forward(nn.gru({ inputSize: 3, hiddenSize: 4 }).init(key(0)).params, { input: x, c0: zeros([1, 2, 4]) })).toThrow(/c0 is only for LSTM/);
  });
});
