// `rivulet tokenizer train|encode|decode`: train a byte-level BPE into tokenizer.json, and encode/decode lines with any tokenizer rivulet loads.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { BUILTIN_TOKENIZERS, countWords, findFiles, loadTokenizer, readUtf8File, toTokenizerJson, trainBpe, CL100K_PATTERN, GPT2_PATTERN, O200K_PATTERN, type Tokenizer } from "../index.js";
import { parseArgv } from "./argv.js";
import type { CliIo } from "./CliIo.js";
import { RunFailure, usage } from "./errors.js";
import { helpText } from "./help.js";
import { decodeOptions, flagSpec, integer, oneOf, path, required, toggle, value, withDefault } from "./options.js";

/** `rivulet tokenizer train`'s options. */
export const TOKENIZER_TRAIN_OPTIONS = {
  vocabSize: value(required(integer(257), "the vocabulary size, e.g. --vocab-size 30000"), "N", "vocabulary size: special tokens + 256 bytes + merges (required)"),
  out: value(withDefault(path("the tokenizer.json to write"), "tokenizer.json"), "FILE", "where to write the Hugging Face tokenizer.json (default tokenizer.json)"),
  minFrequency: value(withDefault(integer(1), 2), "N", "merge only pairs seen at least N times (default 2)"),
  specialTokens: value(withDefault(path("comma-separated special tokens"), "<|endoftext|>"), "LIST", "comma-separated special tokens, given the first ids (default <|endoftext|>)"),
  pattern: value(withDefault(oneOf("pattern", ["gpt2", "cl100k_base", "o200k_base"] as const), "gpt2"), "NAME", "pre-tokenisation regex: gpt2, cl100k_base or o200k_base (default gpt2)"),
  json: toggle("print a JSON summary instead of a line of text"),
};

/** `rivulet tokenizer encode|decode`'s options. */
export const TOKENIZER_CODEC_OPTIONS = {
  tokenizer: value(withDefault(path("a tokenizer name or file"), "gpt2"), "T", `${BUILTIN_TOKENIZERS.join(", ")}, or a tokenizer.json, vocab.json (merges.txt beside it) or tiktoken rank file (default gpt2)`),
  json: toggle("encode: print each line's ids as one JSON array (default: ids separated by spaces)"),
  allowSpecial: toggle("encode: encode special tokens in the text as special tokens (default: refuse them, as tiktoken)"),
};

/** `rivulet tokenizer --help`. */
export const TOKENIZER_HELP = [
  "usage: rivulet tokenizer <train|encode|decode> [options] [FILES…]",
  "",
  "Trains, applies and inverts byte-level BPE tokenizers (GPT-2, tiktoken, Hugging Face tokenizer.json).",
  "",
  helpText("rivulet tokenizer train FILES… --vocab-size N [--out tokenizer.json]", "Counts the words of text files (paths or globs) and learns merges.", TOKENIZER_TRAIN_OPTIONS),
  "",
  helpText("rivulet tokenizer encode|decode [--tokenizer T] [FILES…]", "Encodes each line of the files (or stdin) into ids, or decodes lines of ids (JSON arrays or space-separated) into text.", TOKENIZER_CODEC_OPTIONS),
].join("\n");

const PATTERNS = { gpt2: GPT2_PATTERN, cl100k_base: CL100K_PATTERN, o200k_base: O200K_PATTERN } as const;

/** The input lines: of the files given, or of stdin when there are none (or `-`). */
const inputLines = (files: readonly string[]): string[] => {
  const texts = files.length === 0 || (files.length === 1 && files[0] === "-")
    ? [new TextDecoder("utf-8", { fatal: false }).decode(readFileSync(0))]
    : files.map((f) => readUtf8File(f));
  return texts.flatMap((t) => {
    const lines = t.split("\n").map((l) => l.replace(/\r$/, ""));
    if (lines.at(-1) === "") lines.pop(); // a final newline ends the last line; it does not start an empty one
    return lines;
  });
};

const load = (name: string): Tokenizer => {
  try {
    return loadTokenizer(name);
  } catch (e) {
    throw usage("--tokenizer", (e as Error).message);
  }
};

/**
 * Runs `rivulet tokenizer …` with `args`.
 * @example
 * await tokenizer(["encode", "--tokenizer", "gpt2", "--json", "lines.txt"], processIo());
 */
export const tokenizer = async (args: readonly string[], io: CliIo): Promise<void> => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "-h" || sub === "--help") return io.out(TOKENIZER_HELP);
  if (sub === "train") {
    const parsed = parseArgv("tokenizer train", rest, flagSpec(TOKENIZER_TRAIN_OPTIONS));
    if (parsed.help) return io.out(TOKENIZER_HELP);
    const o = decodeOptions(TOKENIZER_TRAIN_OPTIONS, parsed);
    if (parsed.positionals.length === 0) throw usage("tokenizer train FILES…", "give the text files (paths or glob patterns) to train on");
    let files: string[];
    try {
      files = findFiles(parsed.positionals);
    } catch (e) {
      throw usage("tokenizer train FILES…", (e as Error).message);
    }
    const specialTokens = o.specialTokens.split(",").filter((s) => s !== "");
    const t0 = performance.now();
    const words = new Map<string, number>();
    for (const f of files) countWords([readUtf8File(f)], { pattern: PATTERNS[o.pattern] }, words);
    const trained = trainBpe(words, { vocabSize: o.vocabSize, minFrequency: o.minFrequency, specialTokens, pattern: PATTERNS[o.pattern] });
    const seconds = (performance.now() - t0) / 1000;
    const tmp = `${o.out}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, toTokenizerJson(trained.model!));
      renameSync(tmp, o.out); // never a half-written tokenizer.json
    } catch (e) {
      throw new RunFailure({ message: `${o.out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, cause: e });
    }
    const summary = { out: o.out, files: files.length, words: words.size, vocabSize: trained.vocabulary.length, merges: trained.merges.length, seconds: Number(seconds.toFixed(3)) };
    return io.out(o.json ? JSON.stringify(summary) : `wrote ${o.out}: ${summary.vocabSize} tokens (${summary.merges} merges) from ${summary.words} distinct words in ${files.length} files, ${seconds.toFixed(2)} s`);
  }
  if (sub === "encode" || sub === "decode") {
    const parsed = parseArgv(`tokenizer ${sub}`, rest, flagSpec(TOKENIZER_CODEC_OPTIONS));
    if (parsed.help) return io.out(TOKENIZER_HELP);
    const o = decodeOptions(TOKENIZER_CODEC_OPTIONS, parsed);
    const tok = load(o.tokenizer);
    const lines = inputLines(parsed.positionals);
    if (sub === "encode") {
      for (const line of lines) {
        const ids = tok.encode(line, o.allowSpecial ? { allowedSpecial: "all" } : {});
        io.out(o.json ? JSON.stringify(ids) : ids.join(" "));
      }
      return;
    }
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      let ids: unknown;
      try {
        ids = trimmed.startsWith("[") ? JSON.parse(trimmed) : trimmed === "" ? [] : trimmed.split(/\s+/).map((w) => (/^\d+$/.test(w) ? Number(w) : NaN));
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x))) {
        throw new RunFailure({ message: `decode: line ${i + 1}: expected a JSON array of ids or ids separated by spaces, got ${JSON.stringify(line.slice(0, 60))}` });
      }
      try {
        io.out(tok.decode(ids as number[]));
      } catch (e) {
        throw new RunFailure({ message: `decode: line ${i + 1}: ${(e as Error).message}` });
      }
    });
    return;
  }
  throw usage(`tokenizer ${sub}`, "unknown sub-command; expected one of: train, encode, decode");
};
