// Pre-tokenisation regexes of GPT-2 (r50k/p50k), cl100k_base and o200k_base, as tiktoken defines them, written for JavaScript's RegExp.

// tiktoken's cl100k/o200k patterns use the inline case-insensitive group `(?i:'s|'t|…)`, which Node 20's RegExp lacks;
// the contractions are spelled out in every letter case instead (as js-tiktoken does), which matches the same strings.
const CONTRACTIONS = "'s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D";

/** GPT-2's pattern (also r50k_base and p50k_base). */
export const GPT2_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

/** cl100k_base's pattern (GPT-3.5/GPT-4). */
export const CL100K_PATTERN = `(?:${CONTRACTIONS})|` + String.raw`[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** o200k_base's pattern (GPT-4o). */
export const O200K_PATTERN = [
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?:${CONTRACTIONS})?`,
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?:${CONTRACTIONS})?`,
  String.raw`\p{N}{1,3}`,
  String.raw` ?[^\s\p{L}\p{N}]+[\r\n/]*`,
  String.raw`\s*[\r\n]+`,
  String.raw`\s+(?!\S)`,
  String.raw`\s+`,
].join("|");

// The same patterns as tiktoken and Hugging Face write them (with `(?i:…)`), so files that carry them can be recognised.
const CONTRACTIONS_I = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
const KNOWN: ReadonlyMap<string, string> = new Map([
  [GPT2_PATTERN, GPT2_PATTERN],
  [CL100K_PATTERN, CL100K_PATTERN],
  [O200K_PATTERN, O200K_PATTERN],
  [CL100K_PATTERN.replace(`(?:${CONTRACTIONS})`, CONTRACTIONS_I), CL100K_PATTERN],
  [O200K_PATTERN.replaceAll(`(?:${CONTRACTIONS})`, CONTRACTIONS_I), O200K_PATTERN],
]);

/**
 * A pre-tokenisation pattern as a global Unicode RegExp: the known patterns in tiktoken's or Hugging Face's spelling
 * (with `(?i:…)`) are mapped to their JavaScript form; any other pattern must be valid JavaScript RegExp syntax.
 */
export const pretokenizeRegExp = (pattern: string): RegExp => new RegExp(KNOWN.get(pattern) ?? pattern, "gu");
