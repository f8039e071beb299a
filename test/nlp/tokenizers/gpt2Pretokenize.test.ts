// The hand-written GPT-2 pre-tokeniser finds exactly the pieces GPT2_PATTERN's RegExp finds.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { gpt2Pieces } from "../../../src/nlp/tokenizers/_gpt2Pretokenize.js";
import { GPT2_PATTERN, pretokenizeRegExp } from "../../../src/index.js";
import { randomString, VARIED_STRINGS } from "./_strings.js";

const viaScanner = (s: string) => {
  const out: string[] = [];
  gpt2Pieces(s, (a, b) => out.push(s.slice(a, b)));
  return out;
};
const viaRegex = (s: string) => Array.from(s.matchAll(pretokenizeRegExp(GPT2_PATTERN)), (m) => m[0]);

describe("gpt2Pieces", () => {
  it("agrees with the regex on the varied strings, edge cases and 2000 random strings", () => {
    const edge = ["'", "'s", "'re", "'x", "' s", " 's", "!'s", "a  b", "a \tb", "  \t\nx", " ", "  ", "\t", "x ", "x  ", " \u00a0x", "𝐀𝐁 𝟏𝟐 ", "\ud800\ud800", "\udc00a", "a\u0301b", "1a2", " 1", "  1"];
    for (const s of [...VARIED_STRINGS, ...edge]) expect(viaScanner(s), JSON.stringify(s)).toEqual(viaRegex(s));
    for (let seed = 0; seed < 2000; seed++) {
      const s = randomString(seed, 1 + (seed % 80));
      expect(viaScanner(s), JSON.stringify(s)).toEqual(viaRegex(s));
    }
  });
  it("agrees with the regex on the corpus slice", () => {
    const slice = readFileSync(new URL("../../fixtures/text/python-docs-slice.txt", import.meta.url), "utf8");
    expect(viaScanner(slice)).toEqual(viaRegex(slice));
  });
});
