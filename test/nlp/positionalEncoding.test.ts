// Positional encodings: the sinusoid table's hand-computed values, the learned table's names, and RoPE's rotations and relative-position property.
import { describe, expect, it } from "vitest";
import { nn, key, randn, tensor, zeros, matmul, transpose, narrow, cat, randint } from "../../src/index.js";
import { sinusoidalPositionalEncoding, positionalEncoding, learnedPositionalEmbedding, applyRotary, gpt } from "../../src/nlp/models/index.js";
import { expectClose } from "../_harness.js";

describe("positional encodings", () => {
  it("the sinusoid table holds sin/cos of pos / 10000^(2i/d)", () => {
    const p = sinusoidalPositionalEncoding(3, 4);
    // pos 2, columns: sin(2), cos(2), sin(2/100), cos(2/100).
    expectClose(narrow(p, 0, 2, 1), tensor([[Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)]]), { atol: 1e-6, rtol: 1e-6 });
    expectClose(narrow(p, 0, 0, 1), tensor([[0, 1, 0, 1]]), { atol: 0, rtol: 0 });
    const pe = positionalEncoding({ dModel: 4, maxLen: 3 });
    expectClose(pe.forward({}, zeros([2, 3, 4])), cat([p.reshape([1, 3, 4]), p.reshape([1, 3, 4])], 0), { atol: 0, rtol: 0 });
    expect(() => pe.forward({}, zeros([1, 4, 4]))).toThrow(/PositionalEncoding: input shape \[1, 4, 4\] must be \[\.\.\., steps ≤ maxLen=3, dModel=4\]/);
  });

  it("the learned table is a parameter named weight [maxLen, dModel]", () => {
    const m = learnedPositionalEmbedding({ dModel: 4, maxLen: 6 });
    const v = m.init(key(0));
    expect(Object.keys(nn.stateDict(m, v))).toEqual(["weight"]);
    expectClose(m.forward(v.params, zeros([1, 2, 4])), narrow(v.params.weight as never, 0, 0, 2).reshape([1, 2, 4]), { atol: 0, rtol: 0 });
  });

  it("RoPE rotates each pair by position · base^(-2i/d), so q·k depends only on the offset", () => {
    // d = 2: one pair rotated by the position itself.
    const r = applyRotary(tensor([[1, 0], [1, 0]]), tensor([0, 1], { dtype: "int32" }));
    expectClose(r, tensor([[1, 0], [Math.cos(1), Math.sin(1)]]), { atol: 1e-6, rtol: 1e-6 });
    const q = randn(key(1), [1, 8]);
    const k = randn(key(2), [1, 8]);
    const score = (pq: number, pk: number): number =>
      matmul(applyRotary(q, tensor([pq], { dtype: "int32" })), transpose(applyRotary(k, tensor([pk], { dtype: "int32" })))).item();
    expect(score(5, 2)).toBeCloseTo(score(13, 10), 4);
    expect(Math.abs(score(5, 2) - score(5, 3))).toBeGreaterThan(1e-3);
  });

  it("a rotary GPT has no wpe and its KV cache gives the full pass's logits", () => {
    const m = gpt({ vocabSize: 20, nPositions: 12, nEmbd: 16, nLayer: 1, nHead: 2, positional: "rotary" });
    const v = m.init(key(3));
    expect(Object.keys(nn.stateDict(m, v)).some((k) => k.includes("wpe"))).toBe(false);
    const ids = randint(key(4), 0, 20, [2, 9]);
    const full = m.forward(v.params, ids).logits;
    const a = m.forward(v.params, narrow(ids, 1, 0, 5));
    const b = m.forward(v.params, { ids: narrow(ids, 1, 5, 4), cache: a.cache });
    expectClose(cat([a.logits, b.logits], 1), full, { atol: 1e-5, rtol: 1e-4 });
  });
});
