// Programmatic preferences that stand in for human labels in the self-contained RLHF example: more letters, or more of the wanted words, is better.

/** Scores a text: higher is preferred. */
export type Preferring = (text: string) => number;

/**
 * Counts whole-word, case-insensitive occurrences of `words` in a text. It stands in for a human labeller so the RLHF
 * example runs without downloaded preference data; a real run uses labelled pairs (`readPreferences`).
 * @example
 * const likes = keywordPreference(["function", "module"]);
 * likes("A module holds functions and a function."); // 2
 */
export const keywordPreference = (words: readonly string[]): Preferring => {
  if (words.length === 0 || words.some((w) => !/^[\p{L}\p{N}_]+$/u.test(w))) throw new Error(`keywordPreference: expected one or more words of letters, digits or _, got ${JSON.stringify(words)}`);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.map((w) => w.toLowerCase()).join("|")})(?![\\p{L}\\p{N}_])`, "gu");
  return (text) => (text.toLowerCase().match(pattern) ?? []).length;
};

/**
 * Counts the letters of a text (Unicode \p{L}): prefers word-like text over digits, punctuation, markup and spaces. The
 * RLHF example's default labeller — a stand-in for human labels, chosen because a small model's samples differ in it
 * from the first step (keywords are too rare in short samples to tell most pairs apart).
 * @example
 * letterPreference()("def f(x):"); // 4
 */
export const letterPreference = (): Preferring => (text) => (text.match(/\p{L}/gu) ?? []).length;
