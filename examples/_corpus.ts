// Where the language examples find real English text: the Python 3.11 documentation sources (Debian's python3.11-doc, 11 MB of reStructuredText), as files, texts, or word sentences.
//
// When the package is not installed, one line says how to get it and the examples read the small slice of it that the
// tests use (test/fixtures/text/python-docs-slice.txt), through the same code.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where Debian installs the Python documentation sources. */
export const PYTHON_DOCS = "/usr/share/doc/python3.11/html/_sources";

/** The corpus' file paths, sorted (at most `maxFiles`), or the committed slice when the package is missing. */
export const corpusFiles = (maxFiles = Infinity): string[] => {
  if (!existsSync(PYTHON_DOCS)) {
    console.log(`${PYTHON_DOCS} not found (apt-get install python3.11-doc); using the small slice in test/fixtures/text instead`);
    return [join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "text", "python-docs-slice.txt")];
  }
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".txt")) files.push(p);
    }
  };
  walk(PYTHON_DOCS);
  return files.slice(0, maxFiles);
};

/** The texts of the corpus' files. */
export const corpusTexts = (maxFiles = Infinity): string[] => corpusFiles(maxFiles).map((f) => readFileSync(f, "utf8"));

// The word-level view for the classic language models (n-grams, NNLM, Word2Vec, ELMo): words are runs of letters
// (markup, numbers and punctuation dropped), each line with two or more words a sentence; the BPE tokenizers are for GPT.

/** Sentences of lower-case words from the first `maxBytes` of the corpus (whole files). */
export const loadSentences = (maxBytes = Infinity): string[][] => {
  const out: string[][] = [];
  let bytes = 0;
  for (const f of corpusFiles()) {
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
