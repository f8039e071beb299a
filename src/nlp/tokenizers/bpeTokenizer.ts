// Byte-level BPE as GPT-2, tiktoken and Hugging Face do it: pre-tokenise with a regex, merge each piece's bytes by rank, split out special tokens.
import { bytesToUnicode, unicodeToBytes } from "./byteToUnicode.js";
import { gpt2Pieces } from "./_gpt2Pretokenize.js";
import { GPT2_PATTERN, pretokenizeRegExp } from "./pretokenizePatterns.js";
import { TokenizerError } from "./TokenizerError.js";

/** Everything a byte-level BPE tokenizer is: the data of vocab.json + merges.txt, a tiktoken rank file or a tokenizer.json. */
export interface BpeModel {
  /** Token bytes by id; ids without bytes (`undefined`) are special tokens only. */
  readonly tokens: readonly (Uint8Array | undefined)[];
  /**
   * How pairs are ranked. `"ranks"`: tiktoken's rule, a pair's priority is the id of the bytes it would make
   * (`cl100k_base.tiktoken`). Otherwise the merge list of `merges.txt`/`tokenizer.json`, by token ids, earliest first.
   */
  readonly merges: "ranks" | readonly (readonly [number, number])[];
  /** The pre-tokenisation regex (tiktoken/HF spelling accepted), or `null` to treat the text as one piece. */
  readonly pattern: string | null;
  /** Special (added) tokens: content → id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Hugging Face's ByteLevel `add_prefix_space`: a space is put before text that does not start with one. */
  readonly addPrefixSpace: boolean;
  /** Which special tokens `encode` recognises by default: tiktoken recognises none (`"none"`), HF all (`"all"`). */
  readonly defaultAllowedSpecial: "all" | "none";
  /** Hugging Face's `ignore_merges`: a piece that is itself a token is encoded as that token without merging. */
  readonly ignoreMerges?: boolean;
}

/** How `encode` treats special tokens in the text, as tiktoken's `encode(text, allowed_special, disallowed_special)`. */
export interface EncodeOptions {
  /** Special tokens encoded as themselves (`"all"` or a list); others are ordinary text. */
  readonly allowedSpecial?: "all" | readonly string[];
  /** Special tokens that make `encode` throw when they occur in the text (default `"all"` not allowed). */
  readonly disallowedSpecial?: "all" | readonly string[];
}

/** A byte-level BPE tokenizer: encoding, decoding and vocabulary look-ups over one {@link BpeModel}. */
export interface Tokenizer {
  readonly model: BpeModel;
  /** One more than the largest id (ordinary or special). */
  readonly vocabSize: number;
  /** Text → ids, special tokens as `options` (default: the model's `defaultAllowedSpecial`). */
  readonly encode: (text: string, options?: EncodeOptions) => number[];
  /** Text → ids with every special token treated as ordinary text. */
  readonly encodeOrdinary: (text: string) => number[];
  /** Ids → the bytes they stand for. */
  readonly decodeBytes: (ids: readonly number[]) => Uint8Array;
  /** Ids → text (invalid UTF-8, e.g. half a character, becomes U+FFFD). */
  readonly decode: (ids: readonly number[]) => string;
  /** An id's token in GPT-2's character form (`"Ġthe"`), or the special token's content. */
  readonly idToToken: (id: number) => string | undefined;
  /** The id of a token in GPT-2's character form, or of a special token. */
  readonly tokenToId: (token: string) => number | undefined;
}

const SEP = "\u0100"; // never inside a binary string (chars 0–255), so it separates the two halves of a merge key
const utf8 = new TextEncoder();
const CACHE_LIMIT = 200_000;

/** A piece of text as a "binary string": one char (0–255) per UTF-8 byte; ASCII text is its own binary string. */
const toBinary = (piece: string): string => {
  for (let i = 0; i < piece.length; i++) {
    if (piece.charCodeAt(i) >= 0x80) {
      const bytes = utf8.encode(piece); // lone surrogates become U+FFFD's bytes, as in tiktoken and HF
      let s = "";
      for (let k = 0; k < bytes.length; k += 8192) s += String.fromCharCode(...bytes.subarray(k, k + 8192));
      return s;
    }
  }
  return piece;
};
const binaryOf = (bytes: Uint8Array): string => {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Builds a tokenizer from a model. Pieces are merged as tiktoken's `byte_pair_merge`: the pair of adjacent parts with
 * the lowest rank is merged first, the leftmost on ties, until no adjacent pair has a rank.
 * @example
 * const tok = loadTokenizer("gpt2");
 * tok.encode("hello world"); // [31373, 995]
 */
export const bpeTokenizer = (model: BpeModel): Tokenizer => {
  const encoder = new Map<string, number>();
  model.tokens.forEach((bytes, id) => bytes && encoder.set(binaryOf(bytes), id));
  const binaryById = model.tokens.map((b) => (b ? binaryOf(b) : undefined));
  const mergeRank = new Map<string, number>();
  if (model.merges !== "ranks") {
    model.merges.forEach(([a, b], rank) => {
      const key = binaryById[a]! + SEP + binaryById[b]!;
      if (!mergeRank.has(key)) mergeRank.set(key, rank); // a repeated merge keeps its first (highest) priority
    });
  }
  const byRanks = model.merges === "ranks";
  const regex = model.pattern === null ? null : pretokenizeRegExp(model.pattern);
  const specials = [...model.specialTokens.keys()].sort((a, b) => b.length - a.length);
  const specialById = new Map([...model.specialTokens].map(([s, id]) => [id, s]));
  let maxId = model.tokens.length - 1;
  for (const id of model.specialTokens.values()) maxId = Math.max(maxId, id);
  const cache = new Map<string, readonly number[]>();

  const rankOf = (s: string, i: number, j: number, k: number): number => {
    if (byRanks) return encoder.get(s.slice(i, k)) ?? Infinity;
    return mergeRank.get(s.slice(i, j) + SEP + s.slice(j, k)) ?? Infinity;
  };

  /** BPE over one piece's bytes (a binary string of length ≥ 2). */
  const merge = (s: string): number[] => {
    const starts: number[] = [];
    for (let i = 0; i <= s.length; i++) starts.push(i);
    const ranks: number[] = [];
    for (let i = 0; i + 2 < starts.length; i++) ranks.push(rankOf(s, starts[i]!, starts[i + 1]!, starts[i + 2]!));
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i < ranks.length; i++) if (ranks[i]! < best) [best, at] = [ranks[i]!, i];
      if (at < 0) break;
      starts.splice(at + 1, 1);
      ranks.splice(at, 1);
      // ranks[i] ranks merging parts i and i+1; only the two pairs touching the merged part change.
      if (at < ranks.length) ranks[at] = rankOf(s, starts[at]!, starts[at + 1]!, starts[at + 2]!);
      if (at > 0) ranks[at - 1] = rankOf(s, starts[at - 1]!, starts[at]!, starts[at + 1]!);
    }
    const ids: number[] = [];
    for (let i = 0; i + 1 < starts.length; i++) {
      const part = s.slice(starts[i]!, starts[i + 1]!);
      const id = encoder.get(part);
      if (id === undefined) {
        // A byte (or merged part) with no id: HF skips it silently; rivulet says so.
        throw new TokenizerError({ message: `encode: the bytes ${JSON.stringify(bytesToUnicode(Uint8Array.from(part, (c) => c.charCodeAt(0))))} have no token in the vocabulary` });
      }
      ids.push(id);
    }
    return ids;
  };

  const encodePiece = (piece: string, out: number[]) => {
    const cached = cache.get(piece);
    if (cached) {
      for (const id of cached) out.push(id);
      return;
    }
    const s = toBinary(piece);
    const whole = byRanks || model.ignoreMerges === true || s.length === 1 ? encoder.get(s) : undefined;
    const ids = whole !== undefined ? [whole] : merge(s);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(piece, ids);
    for (const id of ids) out.push(id);
  };

  const encodeSegment = (segment: string, out: number[]) => {
    if (segment === "") return;
    const text = model.addPrefixSpace && !segment.startsWith(" ") ? " " + segment : segment;
    if (regex === null) return encodePiece(text, out);
    // GPT-2's regex has a hand-written scanner (same pieces, tested against the regex), the others run as RegExps.
    if (model.pattern === GPT2_PATTERN) return gpt2Pieces(text, (start, end) => encodePiece(text.slice(start, end), out));
    for (const m of text.matchAll(regex)) encodePiece(m[0], out);
  };

  const encodeOrdinary = (text: string): number[] => {
    const out: number[] = [];
    encodeSegment(text, out);
    return out;
  };

  const listOf = (v: "all" | readonly string[]): readonly string[] => {
    if (v === "all") return specials;
    for (const s of v) if (!model.specialTokens.has(s)) throw new TokenizerError({ message: `encode: ${JSON.stringify(s)} is not a special token of this tokenizer` });
    return v;
  };
  const splitters = new Map<string, RegExp | null>();
  const splitterFor = (allowed: readonly string[]): RegExp | null => {
    const key = allowed.join("\u0000");
    let r = splitters.get(key);
    if (r === undefined) {
      r = allowed.length === 0 ? null : new RegExp([...allowed].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "gu");
      splitters.set(key, r);
    }
    return r;
  };

  const encode = (text: string, options: EncodeOptions = {}): number[] => {
    const allowed = listOf(options.allowedSpecial ?? (model.defaultAllowedSpecial === "all" ? "all" : []));
    const disallowed = options.disallowedSpecial === undefined || options.disallowedSpecial === "all"
      ? specials.filter((s) => !allowed.includes(s))
      : listOf(options.disallowedSpecial);
    for (const s of disallowed) {
      if (text.includes(s)) {
        throw new TokenizerError({
          message: `encode: the text contains the special token ${JSON.stringify(s)}; pass it in allowedSpecial to encode it as a special token, or in disallowedSpecial: [] to encode it as ordinary text`,
        });
      }
    }
    const splitter = splitterFor(allowed);
    if (splitter === null) return encodeOrdinary(text);
    const out: number[] = [];
    let last = 0;
    for (const m of text.matchAll(splitter)) {
      encodeSegment(text.slice(last, m.index), out);
      out.push(model.specialTokens.get(m[0])!);
      last = m.index + m[0].length;
    }
    encodeSegment(text.slice(last), out);
    return out;
  };

  const specialBytes = new Map([...model.specialTokens].map(([s, id]) => [id, utf8.encode(s)]));
  const decodeBytes = (ids: readonly number[]): Uint8Array => {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const id of ids) {
      const bytes = model.tokens[id] ?? specialBytes.get(id);
      if (bytes === undefined) {
        throw new TokenizerError({ message: `decode: id ${id} is out of range (valid ids are 0–${maxId}${Number.isInteger(id) && id >= 0 && id <= maxId ? "; this one has no token" : ""})` });
      }
      parts.push(bytes);
      length += bytes.length;
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const decoder = new TextDecoder("utf-8");

  return {
    model,
    vocabSize: maxId + 1,
    encode,
    encodeOrdinary,
    decodeBytes,
    decode: (ids) => decoder.decode(decodeBytes(ids)),
    idToToken: (id) => specialById.get(id) ?? (model.tokens[id] ? bytesToUnicode(model.tokens[id]) : undefined),
    tokenToId: (token) => {
      const special = model.specialTokens.get(token);
      if (special !== undefined) return special;
      const bytes = unicodeToBytes(token);
      return bytes === undefined ? undefined : encoder.get(binaryOf(bytes));
    },
  };
};
