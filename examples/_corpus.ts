// The word-level corpus the language-model examples share: the Python 3.11 documentation sources (reStructuredText), as lower-case word sentences.
//
// Words are runs of letters (markup, numbers and punctuation are dropped); each non-empty line is a sentence. This is a
// plain word splitter for the classic word-level models (n-grams, NNLM, Word2Vec, ELMo); the BPE tokenizers are for GPT.
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

export const CORPUS_DIR = "/usr/share/doc/python3.11/html/_sources";

/** Every .rst.txt file under the corpus folder, in sorted order (the same on every run). */
const files = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : name.endsWith(".txt") ? [p] : [];
    });

/** Sentences of words from the first `maxBytes` of the corpus (whole files), or throws naming the missing folder. */
export const loadSentences = (maxBytes = Infinity): string[][] => {
  if (!existsSync(CORPUS_DIR)) throw new Error(`corpus folder ${CORPUS_DIR} not found (Debian package python3.11-doc)`);
  const out: string[][] = [];
  let bytes = 0;
  for (const f of files(CORPUS_DIR)) {
    if (bytes >= maxBytes) break;
    const text = readFileSync(f, "utf8");
    bytes += text.length;
    for (const line of text.split("\n")) {
      const words = line.toLowerCase().match(/[a-z]+/g);
      if (words && words.length >= 2) out.push(words);
    }
  }
  return out;
};

/** A vocabulary of the `size` most frequent words (ties by first appearance), with "<unk>" at index 0. */
export const buildVocab = (sentences: readonly (readonly string[])[], size: number, minCount = 1): { words: string[]; index: Map<string, number>; counts: number[] } => {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const w of s) counts.set(w, (counts.get(w) ?? 0) + 1);
  const ranked = [...counts.entries()].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1]).slice(0, size - 1);
  const words = ["<unk>", ...ranked.map(([w]) => w)];
  const index = new Map(words.map((w, i) => [w, i]));
  const unk = [...counts.values()].reduce((a, b) => a + b, 0) - ranked.reduce((a, [, c]) => a + c, 0);
  return { words, index, counts: [unk, ...ranked.map(([, c]) => c)] };
};
