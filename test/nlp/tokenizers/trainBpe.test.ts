// BPE training: the fast trainer reproduces the notes' recount loop merge for merge, and HF's tokenizers loads what it writes with the same ids.
import { readFileSync } from "node:fs";
import { Tokenizer as HfTokenizer } from "tokenizers";
import { describe, expect, it } from "vitest";
import { bpeTokenizer, CL100K_PATTERN, countWords, learnClassicBpe, tokenizerJsonModel, toTokenizerJson, trainBpe } from "../../../src/index.js";
import { randomString, VARIED_STRINGS } from "./_strings.js";

const slice = readFileSync(new URL("../../fixtures/text/python-docs-slice.txt", import.meta.url), "utf8");

/** Random word counts over a small alphabet, so that many pairs tie. */
const randomWordCounts = (seed: number): Map<string, number> => {
  let a = seed;
  const rand = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const counts = new Map<string, number>();
  for (let i = 0; i < 40; i++) {
    const word = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => "abcde"[Math.floor(rand() * 5)]).join("");
    counts.set(word, (counts.get(word) ?? 0) + 1 + Math.floor(rand() * 5));
  }
  return counts;
};

describe("trainBpe", () => {
  it("classic mode learns the notes' merges: e s, es t, est </w>, …", () => {
    const notes = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3]]);
    const fast = trainBpe(notes, { vocabSize: 1000, mode: "classic" });
    expect(fast.merges.slice(0, 3)).toEqual([["e", "s"], ["es", "t"], ["est", "</w>"]]);
    expect(fast.merges).toEqual(learnClassicBpe(notes).merges.map((m) => m.pair));
  });

  it("classic mode gives exactly the recount loop's merges on 30 random corpora full of ties", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const counts = randomWordCounts(seed);
      const slow = learnClassicBpe(counts, { vocabSize: 30 });
      const fast = trainBpe(counts, { vocabSize: 30, mode: "classic" });
      expect(fast.merges, `seed ${seed}`).toEqual(slow.merges.map((m) => m.pair));
      expect(new Set(fast.vocabulary)).toEqual(new Set(slow.vocabulary));
    }
  });

  it("stops at the vocabulary size and at the minimum frequency", () => {
    const counts = countWords([slice]);
    const trained = trainBpe(counts, { vocabSize: 400, specialTokens: ["<|endoftext|>", "<pad>"] });
    expect(trained.vocabulary).toHaveLength(400);
    expect(trained.vocabulary.slice(0, 2)).toEqual(["<|endoftext|>", "<pad>"]);
    expect(trained.merges).toHaveLength(400 - 2 - 256);
    const rare = trainBpe(counts, { vocabSize: 100_000, minFrequency: 50 });
    const tok = bpeTokenizer(rare.model!);
    // every merge happened at least 50 times, so no more merges than that can exist
    expect(rare.vocabulary.length).toBeLessThan(3000);
    expect(tok.decode(tok.encode(slice))).toBe(slice);
  });

  it("rejects a bad vocabulary size and bad counts", () => {
    expect(() => trainBpe(new Map([["a", 1]]), { vocabSize: 0 })).toThrow(/vocabSize must be a positive integer/);
    expect(() => trainBpe(new Map([["a", -1]]), { vocabSize: 300 })).toThrow(/count of "a" must be a positive integer/);
  });

  it("saves a tokenizer.json that Hugging Face's tokenizers loads and encodes with the same ids", async () => {
    const trained = trainBpe(countWords([slice]), { vocabSize: 1200, specialTokens: ["<|endoftext|>"] });
    const ours = bpeTokenizer(trained.model!);
    const json = toTokenizerJson(trained.model!);
    const hf = HfTokenizer.fromString(json);
    expect(hf.getVocabSize(true)).toBe(1200);
    const samples = [...VARIED_STRINGS, ...slice.split("\n").slice(0, 200), ...Array.from({ length: 30 }, (_, i) => randomString(500 + i, 50)), "a<|endoftext|>b"];
    for (const s of samples) {
      const enc = await hf.encode(s, null, { addSpecialTokens: false });
      expect(ours.encode(s), JSON.stringify(s)).toEqual(enc.getIds());
    }
    expect(await hf.decode(ours.encode(slice.slice(0, 2000)), false)).toBe(slice.slice(0, 2000));
    // and rivulet's reader gives back the same tokenizer
    expect(bpeTokenizer(tokenizerJsonModel(json)).encode(slice.slice(0, 5000))).toEqual(ours.encode(slice.slice(0, 5000)));
  });

  it("with cl100k's regex, saves a Split + ByteLevel tokenizer.json that HF tokenizers encodes identically", async () => {
    const trained = trainBpe(countWords([slice], { pattern: CL100K_PATTERN }), { vocabSize: 800, pattern: CL100K_PATTERN });
    const json = toTokenizerJson(trained.model!);
    expect(JSON.parse(json).pre_tokenizer.pretokenizers[0].type).toBe("Split");
    const ours = bpeTokenizer(trained.model!);
    const hf = HfTokenizer.fromString(json);
    for (const s of [...VARIED_STRINGS, ...slice.split("\n").slice(300, 400), ...Array.from({ length: 30 }, (_, i) => randomString(900 + i, 50))]) {
      const enc = await hf.encode(s, null, { addSpecialTokens: false });
      expect(ours.encode(s), JSON.stringify(s)).toEqual(enc.getIds());
    }
  });
});
