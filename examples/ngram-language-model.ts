// Curriculum section "统计语言模型" (statistical language model): a sentence's probability by the chain rule from n-gram counts, smoothing, perplexity.
//
// P(w1 … wn) = P(w1) · P(w2 | w1) · … · P(wn | w1 … wn-1) exactly (the chain rule). An n-gram model approximates each
// factor by conditioning on the previous n-1 words only, and estimates it from counts: P(w | u) = C(u w) / C(u).
// Unseen pairs would get probability 0 (and so would every sentence containing one), hence smoothing: add-k
// (Laplace for k = 1) pretends every pair was seen k more times. Perplexity, exp(-mean log P), says how many words
// the model is "choosing between" on average; lower is better, and it must be measured on text the model did not count.
//
//   npx tsx examples/ngram-language-model.ts           # counts from ~3 MB of the Python docs
//   npx tsx examples/ngram-language-model.ts --quick   # counts from ~300 kB
import { loadSentences } from "./_corpus.js";

const quick = process.argv.includes("--quick");

// ---- 1. The chain rule on a toy corpus, worked by hand -------------------------------------------------------------
const toy = ["<s> i like python </s>", "<s> i like tea </s>", "<s> you like python </s>"].map((s) => s.split(" "));
const count = (sents: string[][], n: number): Map<string, number> => {
  const c = new Map<string, number>();
  for (const s of sents) for (let i = 0; i + n <= s.length; i++) c.set(s.slice(i, i + n).join(" "), (c.get(s.slice(i, i + n).join(" ")) ?? 0) + 1);
  return c;
};
const uni = count(toy, 1);
const bi = count(toy, 2);
// P(<s> i like python </s>) = P(i|<s>) P(like|i) P(python|like) P(</s>|python) = 2/3 · 2/2 · 2/3 · 2/2 = 4/9.
const pBigram = (sent: string[], k = 0): number => {
  const V = uni.size;
  // (C(prev w) + k) / (C(prev) + k·V); with k = 0 and an unseen context the factor is 0.
  return sent.slice(1).reduce((p, w, i) => {
    const c = uni.get(sent[i]!) ?? 0;
    return c + k * V === 0 ? 0 : (p * ((bi.get(`${sent[i]} ${w}`) ?? 0) + k)) / (c + k * V);
  }, 1);
};
const s1 = "<s> i like python </s>".split(" ");
console.log(`P(${s1.join(" ")}) = ${pBigram(s1).toFixed(4)} (by hand: 4/9 = ${(4 / 9).toFixed(4)})`);
if (Math.abs(pBigram(s1) - 4 / 9) > 1e-12) throw new Error("chain rule: expected 4/9");
const s2 = "<s> you like tea </s>".split(" ");
console.log(`P(${s2.join(" ")}) = ${pBigram(s2)} — never seen "you like tea" as a whole, but every pair was seen: ${(1 / 3) * 1 * (1 / 3) * 1 === pBigram(s2)}`);
const s3 = "<s> you like java </s>".split(" ");
console.log(`P(${s3.join(" ")}) = ${pBigram(s3)} — one unseen pair makes the whole sentence impossible`);
console.log(`with add-1 (Laplace) smoothing: ${pBigram(s3, 1).toExponential(3)} > 0, and P(${s1.join(" ")}) drops to ${pBigram(s1, 1).toFixed(4)}`);
if (!(pBigram(s3, 1) > 0 && pBigram(s1, 1) < pBigram(s1))) throw new Error("smoothing should move probability mass to unseen pairs");

// ---- 2. Bigram and trigram models on the Python docs, add-k smoothing, held-out perplexity ---------------------------
const sentences = loadSentences(quick ? 300_000 : 3_000_000).map((s) => ["<s>", "<s>", ...s, "</s>"]);
const split = Math.floor(sentences.length * 0.9);
const train = sentences.slice(0, split);
const held = sentences.slice(split);
const vocab = new Set(train.flat());
const V = vocab.size;
console.log(`corpus: ${sentences.length} sentences, ${train.flat().length} training tokens, vocabulary ${V}`);
const oov = (w: string): string => (vocab.has(w) ? w : "<unk>");
const heldIn = held.map((s) => s.map(oov));

const perplexity = (n: number, k: number): number => {
  const ctx = count(train, n - 1);
  const full = count(train, n);
  let logp = 0;
  let tokens = 0;
  for (const s of heldIn)
    for (let i = 2; i < s.length; i++) {
      const u = s.slice(i - n + 1, i).join(" ");
      const uw = s.slice(i - n + 1, i + 1).join(" ");
      // Add-k: (C(u w) + k) / (C(u) + k·V); V + 1 counts the unknown word as one more type.
      const p = ((full.get(uw) ?? 0) + k) / ((ctx.get(u) ?? 0) + k * (V + 1));
      logp += Math.log(p);
      tokens++;
    }
  return Math.exp(-logp / tokens);
};
const results: [string, number][] = [];
for (const [n, k] of [[1, 1], [2, 1], [2, 0.01], [3, 0.01]] as const) {
  const ppl = perplexity(n, k);
  results.push([`${n}-gram, add-${k}`, ppl]);
  console.log(`${n}-gram model, add-${k} smoothing: held-out perplexity ${ppl.toFixed(1)}`);
}
// Context helps: a bigram model (with light smoothing) beats the unigram model by a wide margin. The trigram model
// sees most of its held-out contexts rarely or never, so with this little text its estimates are mostly smoothing.
console.log(`trigram vs bigram: ${results[3]![1] < results[2]![1] ? "more context helps here" : "too sparse: most trigram contexts are unseen in this much text"}`);
if (!(results[2]![1] < results[0]![1] * 0.7)) throw new Error(`expected the bigram perplexity well below the unigram's, got ${results.map((r) => r[1].toFixed(1))}`);
// Laplace (add-1) gives far too much mass to the V unseen continuations of each context; add-0.01 does much better.
if (!(results[2]![1] < results[1]![1])) throw new Error("expected add-0.01 to beat add-1 for the bigram model");
