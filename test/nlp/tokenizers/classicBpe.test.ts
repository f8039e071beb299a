// The curriculum's classic BPE against the notes' worked numbers (vocabulary building, compression, encoding, decoding).
import { describe, expect, it } from "vitest";
import { compressPairs, decodeClassicBpe, encodeClassicBpe, learnClassicBpe } from "../../../src/index.js";

const notesCorpus = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3]]);
const notesVocabulary = ["errrr</w>", "tain</w>", "moun", "est</w>", "high", "the</w>", "a</w>"];

describe("learnClassicBpe", () => {
  it("merges e s (9), es t (9), est </w> (9) first on the notes' corpus, with the notes' segmentations", () => {
    const { merges } = learnClassicBpe(notesCorpus, { maxMerges: 3 });
    expect(merges.map((m) => [m.pair.join(" "), m.count])).toEqual([["e s", 9], ["es t", 9], ["est </w>", 9]]);
    expect([...merges[0]!.words]).toEqual([["l o w </w>", 5], ["l o w e r </w>", 2], ["n e w es t </w>", 6], ["w i d es t </w>", 3]]);
    expect([...merges[1]!.words.keys()]).toEqual(["l o w </w>", "l o w e r </w>", "n e w est </w>", "w i d est </w>"]);
    // "s" disappears after the first merge, "es" and "t" after the second (the notes point this out).
    expect(merges[0]!.tokens.has("s")).toBe(false);
    expect(merges[1]!.tokens.has("es") || merges[1]!.tokens.has("t")).toBe(false);
  });

  it("continues with l o (7), lo w (7) and stops when the best pair occurs once", () => {
    const { merges, vocabulary } = learnClassicBpe(notesCorpus);
    expect(merges.slice(3, 5).map((m) => [m.pair.join(" "), m.count])).toEqual([["l o", 7], ["lo w", 7]]);
    expect(merges.at(-1)!.count).toBeGreaterThan(1);
    expect(merges).toHaveLength(15); // then every pair left occurs once
    expect(vocabulary[0]!.length).toBeGreaterThanOrEqual(vocabulary.at(-1)!.length);
  });

  it("stops at the vocabulary size: 11 characters (with </w>) plus one token per merge", () => {
    const { merges, vocabulary } = learnClassicBpe(notesCorpus, { vocabSize: 13 });
    expect(merges.map((m) => m.merged)).toEqual(["es", "est"]);
    expect(vocabulary).toEqual(["</w>", "est", "es", "l", "o", "w", "e", "r", "n", "s", "t", "i", "d"]);
    expect(learnClassicBpe(notesCorpus, { vocabSize: 11 }).merges).toEqual([]);
  });

  it("rejects words with whitespace and non-positive counts", () => {
    expect(() => learnClassicBpe(new Map([["a b", 1]]))).toThrow(/"a b" is empty or contains whitespace/);
    expect(() => learnClassicBpe(new Map([["ab", 0]]))).toThrow(/frequency of "ab" must be a positive integer/);
  });
});

describe("compressPairs", () => {
  it("turns abbabyabya into ZbZyZya, then ZbYYa", () => {
    expect(compressPairs("abbabyabya", { replacements: ["Z", "Y", "X"] })).toEqual([
      { pair: "ab", count: 3, replacement: "Z", data: "ZbZyZya" },
      { pair: "Zy", count: 2, replacement: "Y", data: "ZbYYa" },
    ]);
  });
  it("refuses a replacement already in the data", () => {
    expect(() => compressPairs("abab", { replacements: ["a"] })).toThrow(/already occurs/);
  });
});

describe("encodeClassicBpe / decodeClassicBpe", () => {
  it("encodes mountain as [moun, tain</w>], longest subword first", () => {
    expect(encodeClassicBpe(["mountain"], notesVocabulary)).toEqual([["moun", "tain</w>"]]);
    expect(encodeClassicBpe(["highest", "the"], notesVocabulary)).toEqual([["high", "est</w>"], ["the</w>"]]);
  });
  it("puts <unk> where no subword matches", () => {
    expect(encodeClassicBpe(["mountainz"], notesVocabulary)).toEqual([["moun", "<unk>"]]);
    expect(encodeClassicBpe(["xhigh"], notesVocabulary, { unknown: "?" })).toEqual([["?", "high", "?"]]);
  });
  it("decodes the notes' output into mountain</w> and highthe</w>", () => {
    expect(decodeClassicBpe(["moun", "tain</w>", "high", "the</w>"])).toEqual(["mountain</w>", "highthe</w>"]);
    expect(decodeClassicBpe(["moun", "tain</w>", "hi"])).toEqual(["mountain</w>", "hi"]);
  });
  it("round-trips words through a learned vocabulary", () => {
    const { vocabulary } = learnClassicBpe(notesCorpus);
    const words = ["lowest", "newer", "wide"];
    const pieces = encodeClassicBpe(words, vocabulary);
    expect(decodeClassicBpe(pieces.flat())).toEqual(words.map((w) => `${w}</w>`));
  });
});
