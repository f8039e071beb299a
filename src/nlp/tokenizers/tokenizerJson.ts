// Reads and writes Hugging Face `tokenizer.json` files for byte-level BPE (BPE model, ByteLevel or Split+ByteLevel pre-tokenizer, ByteLevel decoder, added tokens).
import type { BpeModel } from "./bpeTokenizer.js";
import { bytesToUnicode, unicodeToBytes } from "./byteToUnicode.js";
import { mergeIds, tokenBytes } from "./gpt2Files.js";
import { GPT2_PATTERN } from "./pretokenizePatterns.js";
import { TokenizerError } from "./TokenizerError.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { readonly [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses a `tokenizer.json` text into a model. Supported: `model.type` BPE (merges as `"a b"` or `["a", "b"]`, no
 * dropout, no unk/continuing prefix/end-of-word suffix, no byte fallback), `normalizer` null, `pre_tokenizer` ByteLevel or a
 * Sequence of Split (Regex, Isolated) and ByteLevel without regex. The post-processor is not applied (as HF's
 * `add_special_tokens: false`). Anything else is an error naming the file and the field.
 * @example
 * const model = tokenizerJsonModel(readFileSync("tokenizer.json", "utf8"), "tokenizer.json");
 */
export const tokenizerJsonModel = (text: string, file = "tokenizer.json"): BpeModel => {
  const fail = (field: string, what: string): never => {
    throw new TokenizerError({ file, message: `${file}: ${field}: ${what}` });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail("(file)", `not valid JSON (${(e as Error).message})`);
  }
  if (!isObj(json)) return fail("(file)", "expected a JSON object");
  const m = json["model"];
  if (!isObj(m)) return fail("model", "missing or not an object");
  if (m["type"] !== undefined && m["type"] !== "BPE") fail("model.type", `only "BPE" is supported, got ${JSON.stringify(m["type"])}`);
  for (const f of ["dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"] as const) {
    if (m[f] !== undefined && m[f] !== null && m[f] !== "") fail(`model.${f}`, `must be null for byte-level BPE, got ${JSON.stringify(m[f])}`);
  }
  if (m["byte_fallback"] === true) fail("model.byte_fallback", "byte fallback is not supported");
  if (json["normalizer"] !== undefined && json["normalizer"] !== null) fail("normalizer", `only null is supported, got ${JSON.stringify(json["normalizer"]).slice(0, 80)}`);

  const vocabJson = m["vocab"];
  if (!isObj(vocabJson)) return fail("model.vocab", "missing or not an object of token → id");
  const vocab = new Map<string, number>();
  for (const [t, id] of Object.entries(vocabJson)) {
    if (!(typeof id === "number" && Number.isInteger(id) && id >= 0)) fail(`model.vocab[${JSON.stringify(t)}]`, `id must be a non-negative integer, got ${JSON.stringify(id)}`);
    vocab.set(t, id as number);
  }
  const specialTokens = new Map<string, number>();
  const added = json["added_tokens"] ?? [];
  if (!Array.isArray(added)) fail("added_tokens", "expected an array");
  (added as Json[]).forEach((a, i) => {
    if (!isObj(a) || typeof a["content"] !== "string" || typeof a["id"] !== "number" || !Number.isInteger(a["id"])) {
      fail(`added_tokens[${i}]`, "expected { id: integer, content: string, … }");
    }
    specialTokens.set((a as Obj)["content"] as string, (a as Obj)["id"] as number);
  });
  // Added tokens need not be spelled in GPT-2's byte characters ("<|endoftext|>" is, "[MASK] x" is not): those are special only.
  const tokens = tokenBytes(vocab, file, new Set([...specialTokens.keys()].filter((t) => unicodeToBytes(t) === undefined)));

  const mergesJson = m["merges"] ?? [];
  if (!Array.isArray(mergesJson)) return fail("model.merges", "expected an array");
  const merges = mergesJson.map((mg, i): [number, number] => {
    const pair = typeof mg === "string" ? mg.split(" ") : mg;
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      return fail(`model.merges[${i}]`, `expected "a b" or ["a", "b"], got ${JSON.stringify(mg)}`);
    }
    return mergeIds(pair[0], pair[1], vocab, `${file}: model.merges[${i}]`, file);
  });

  const { pattern, addPrefixSpace } = preTokenizer(json["pre_tokenizer"] ?? null, fail);
  const decoder = json["decoder"];
  if (decoder !== undefined && decoder !== null && !(isObj(decoder) && decoder["type"] === "ByteLevel")) fail("decoder.type", `only "ByteLevel" is supported, got ${JSON.stringify(isObj(decoder) ? decoder["type"] : decoder)}`);
  return { tokens, merges, pattern, specialTokens, addPrefixSpace, defaultAllowedSpecial: "all", ignoreMerges: m["ignore_merges"] === true };
};

const preTokenizer = (p: Json, fail: (field: string, what: string) => never): { pattern: string | null; addPrefixSpace: boolean } => {
  if (isObj(p) && p["type"] === "ByteLevel") {
    return { pattern: p["use_regex"] === false ? null : GPT2_PATTERN, addPrefixSpace: p["add_prefix_space"] === true };
  }
  if (isObj(p) && p["type"] === "Sequence" && Array.isArray(p["pretokenizers"]) && p["pretokenizers"].length === 2) {
    const [split, byteLevel] = p["pretokenizers"];
    const regex = isObj(split) && isObj(split["pattern"]) ? split["pattern"]["Regex"] : undefined;
    if (!isObj(split) || split["type"] !== "Split" || typeof regex !== "string" || split["behavior"] !== "Isolated" || split["invert"] === true) {
      return fail("pre_tokenizer.pretokenizers[0]", "expected a Split with a Regex pattern, behavior Isolated, invert false");
    }
    if (!isObj(byteLevel) || byteLevel["type"] !== "ByteLevel" || byteLevel["use_regex"] !== false) {
      return fail("pre_tokenizer.pretokenizers[1]", "expected a ByteLevel pre-tokenizer with use_regex false");
    }
    try {
      new RegExp(regex, "u");
    } catch {
      // Known Oniguruma spellings such as (?i:…) are translated by pretokenizeRegExp; others must be JavaScript syntax.
      if (!/\(\?i:/.test(regex)) fail("pre_tokenizer.pretokenizers[0].pattern.Regex", `not a regex JavaScript can run: ${JSON.stringify(regex).slice(0, 120)}`);
    }
    return { pattern: regex, addPrefixSpace: byteLevel["add_prefix_space"] === true };
  }
  return fail("pre_tokenizer", `expected ByteLevel, or a Sequence of Split and ByteLevel; got ${JSON.stringify(p).slice(0, 80)}`);
};

/**
 * Writes a model as a Hugging Face `tokenizer.json` text that HF's `tokenizers` loads with the same ids: GPT-2's regex
 * as a ByteLevel pre-tokenizer, any other regex as Split + ByteLevel, special tokens as added tokens.
 * @example
 * writeFileSync("tokenizer.json", toTokenizerJson(trained.model));
 */
export const toTokenizerJson = (model: BpeModel): string => {
  if (model.merges === "ranks") throw new TokenizerError({ message: "toTokenizerJson: a tiktoken rank model has no merge list; train or load one with merges" });
  const name = (id: number) => bytesToUnicode(model.tokens[id]!);
  const vocab: Record<string, number> = {};
  model.tokens.forEach((b, id) => b && (vocab[bytesToUnicode(b)] = id));
  for (const [s, id] of model.specialTokens) vocab[s] = id;
  const byteLevel = { type: "ByteLevel", add_prefix_space: model.addPrefixSpace, trim_offsets: true, use_regex: model.pattern === GPT2_PATTERN };
  const preTokenizer = model.pattern === GPT2_PATTERN || model.pattern === null
    ? byteLevel
    : { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: model.pattern }, behavior: "Isolated", invert: false }, byteLevel] };
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [...model.specialTokens].map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: model.ignoreMerges === true,
      vocab,
      merges: model.merges.map(([a, b]) => [name(a), name(b)]),
    },
  };
  return JSON.stringify(json);
};
