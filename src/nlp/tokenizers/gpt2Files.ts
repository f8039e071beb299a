// Reads GPT-2's own tokenizer files: `vocab.json` (encoder.json: token → id, in GPT-2's byte characters) and `merges.txt` (vocab.bpe: one merge per line).
import type { BpeModel } from "./bpeTokenizer.js";
import { unicodeToBytes } from "./byteToUnicode.js";
import { GPT2_PATTERN } from "./pretokenizePatterns.js";
import { TokenizerError } from "./TokenizerError.js";

/** Parses a `vocab.json` text (token → id); names the file and the entry that is wrong. */
export const parseVocabJson = (text: string, file: string): Map<string, number> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TokenizerError({ file, message: `${file}: not valid JSON (${(e as Error).message})` });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new TokenizerError({ file, message: `${file}: expected a JSON object of token → id` });
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(json)) {
    if (!(Number.isInteger(id) && (id as number) >= 0)) throw new TokenizerError({ file, message: `${file}: token ${JSON.stringify(token)}: id must be a non-negative integer, got ${JSON.stringify(id)}` });
    vocab.set(token, id as number);
  }
  return vocab;
};

/** Parses a `merges.txt` text ("a b" per line, an optional `#version` first line) against a vocabulary. */
export const parseMergesTxt = (text: string, vocab: ReadonlyMap<string, number>, file: string): [number, number][] => {
  const merges: [number, number][] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line === "" || (i === 0 && line.startsWith("#version"))) return;
    const parts = line.split(" ");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") throw new TokenizerError({ file, message: `${file}:${i + 1}: expected two tokens separated by one space, got ${JSON.stringify(line)}` });
    merges.push(mergeIds(parts[0]!, parts[1]!, vocab, `${file}:${i + 1}`, file));
  });
  return merges;
};

/** Looks up a merge's two tokens and its result in the vocabulary; `where` names the file and line or field. */
export const mergeIds = (a: string, b: string, vocab: ReadonlyMap<string, number>, where: string, file: string): [number, number] => {
  for (const t of [a, b, a + b]) {
    if (!vocab.has(t)) throw new TokenizerError({ file, message: `${where}: the merge ${JSON.stringify(`${a} ${b}`)} refers to ${JSON.stringify(t)}, which is not in the vocabulary` });
  }
  return [vocab.get(a)!, vocab.get(b)!];
};

/** Turns a vocabulary in GPT-2's byte characters into token bytes by id. */
export const tokenBytes = (vocab: ReadonlyMap<string, number>, file: string, skip: ReadonlySet<string> = new Set()): (Uint8Array | undefined)[] => {
  const tokens: (Uint8Array | undefined)[] = [];
  for (const [token, id] of vocab) {
    if (skip.has(token)) continue;
    const bytes = unicodeToBytes(token);
    if (bytes === undefined) throw new TokenizerError({ file, message: `${file}: token ${JSON.stringify(token)} (id ${id}) has a character outside GPT-2's byte alphabet` });
    if (tokens[id] !== undefined) throw new TokenizerError({ file, message: `${file}: id ${id} is given to two tokens` });
    tokens[id] = bytes;
  }
  return tokens;
};

/**
 * GPT-2's tokenizer from the texts of `vocab.json` and `merges.txt` (`<|endoftext|>` is its special token).
 * @example
 * const model = gpt2Model(readFileSync("vocab.json", "utf8"), readFileSync("merges.txt", "utf8"));
 */
export const gpt2Model = (vocabJson: string, mergesTxt: string, { vocabFile = "vocab.json", mergesFile = "merges.txt" } = {}): BpeModel => {
  const vocab = parseVocabJson(vocabJson, vocabFile);
  const specialTokens = new Map<string, number>();
  const eot = vocab.get("<|endoftext|>");
  if (eot !== undefined) specialTokens.set("<|endoftext|>", eot);
  return {
    tokens: tokenBytes(vocab, vocabFile),
    merges: parseMergesTxt(mergesTxt, vocab, mergesFile),
    pattern: GPT2_PATTERN,
    specialTokens,
    addPrefixSpace: false,
    defaultAllowedSpecial: "none",
  };
};
