// Reads tiktoken's rank files (`cl100k_base.tiktoken`: one "base64-bytes rank" per line) with each encoding's regex and special tokens.
import type { BpeModel } from "./bpeTokenizer.js";
import { CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN } from "./pretokenizePatterns.js";
import { TokenizerError } from "./TokenizerError.js";

/** The encodings tiktoken defines, with their regexes and special tokens (from tiktoken's `openai_public.py`). */
export const TIKTOKEN_ENCODINGS = {
  r50k_base: { pattern: GPT2_PATTERN, specialTokens: { "<|endoftext|>": 50256 } },
  p50k_base: { pattern: GPT2_PATTERN, specialTokens: { "<|endoftext|>": 50256 } },
  cl100k_base: {
    pattern: CL100K_PATTERN,
    specialTokens: { "<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259, "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276 },
  },
  o200k_base: { pattern: O200K_PATTERN, specialTokens: { "<|endoftext|>": 199999, "<|endofprompt|>": 200018 } },
} as const satisfies Record<string, { readonly pattern: string; readonly specialTokens: Readonly<Record<string, number>> }>;

/** The name of one of tiktoken's encodings. */
export type TiktokenEncoding = keyof typeof TIKTOKEN_ENCODINGS;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses a rank file's text into token bytes by rank (= id); names the file and line that is wrong. */
export const parseTiktokenRanks = (text: string, file: string): Uint8Array[] => {
  const tokens: Uint8Array[] = [];
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    const parts = line.split(" ");
    const rank = Number(parts[1]);
    if (parts.length !== 2 || !BASE64.test(parts[0]!) || parts[0] === "" || !Number.isInteger(rank) || rank < 0) {
      throw new TokenizerError({ file, message: `${file}:${i + 1}: expected "<base64 bytes> <rank>", got ${JSON.stringify(line.slice(0, 80))}` });
    }
    if (tokens[rank] !== undefined) throw new TokenizerError({ file, message: `${file}:${i + 1}: rank ${rank} appears twice` });
    tokens[rank] = new Uint8Array(Buffer.from(parts[0]!, "base64"));
  });
  return tokens;
};

/**
 * A tiktoken encoding from its rank file's text; `encoding` gives the regex and special tokens (the file has neither).
 * @example
 * const model = tiktokenModel(readFileSync("cl100k_base.tiktoken", "utf8"), { encoding: "cl100k_base" });
 */
export const tiktokenModel = (text: string, { encoding, file = `${encoding}.tiktoken` }: { readonly encoding: TiktokenEncoding; readonly file?: string }): BpeModel => {
  const { pattern, specialTokens } = TIKTOKEN_ENCODINGS[encoding];
  return {
    tokens: parseTiktokenRanks(text, file),
    merges: "ranks",
    pattern,
    specialTokens: new Map(Object.entries(specialTokens)),
    addPrefixSpace: false,
    defaultAllowedSpecial: "none",
  };
};
