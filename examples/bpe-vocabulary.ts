// Curriculum section "BPE算法 — 词表构建" (vocabulary building): byte pair encoding as compression, the notes' worked example, then a vocabulary learned from real text.
//
// BPE began as a compression method: replace the most frequent pair of adjacent units with a new unit, again and
// again. For subwords, the units are characters and each word ends with `</w>`; every merge adds one token to the
// vocabulary. The numbers the notes give are checked here, so a wrong merge fails the run.
import { compressPairs, countWords, learnClassicBpe, trainBpe } from "../src/index.js";
import { corpusTexts } from "./_corpus.js";

const quick = process.argv.includes("--quick");
const check = (what: string, got: unknown, want: unknown) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
};

// ---- BPE as compression: "abbabyabya" → "ZbZyZya" → "ZbYYa" ---------------------------------------------------------
const steps = compressPairs("abbabyabya", { replacements: ["Z", "Y"] });
for (const s of steps) console.log(`replace ${s.pair} (${s.count}×) with ${s.replacement}: ${s.data}`);
check("compression", steps.map((s) => s.data), ["ZbZyZya", "ZbYYa"]);

// ---- The notes' corpus: low ×5, lower ×2, newest ×6, widest ×3 --------------------------------------------------------
// Each word becomes its characters plus </w>; every iteration counts adjacent pairs (weighted by word frequency) and
// merges the most frequent everywhere. Ties (e s, s t and t </w> all occur 9 times) go to the pair seen first.
const corpus = new Map([["low", 5], ["lower", 2], ["newest", 6], ["widest", 3]]);
const { merges, vocabulary } = learnClassicBpe(corpus);
console.log("\nstart:", Object.fromEntries([...corpus].map(([w, n]) => [[...w, "</w>"].join(" "), n])));
for (const m of merges.slice(0, 3)) {
  console.log(`merge ${m.pair.join(" ")} → ${m.merged} (${m.count}):`, Object.fromEntries(m.words));
}
check("first three merges", merges.slice(0, 3).map((m) => [m.pair.join(" "), m.count]), [["e s", 9], ["es t", 9], ["est </w>", 9]]);
check("'s' is gone after the first merge", merges[0]!.tokens.has("s"), false);
console.log(`… ${merges.length} merges until every pair left occurs once; vocabulary (longest first):`, vocabulary.join(" "));

// ---- A vocabulary learned from real text ------------------------------------------------------------------------------
// The same algorithm on the Python documentation: count the words once, then merge with incremental pair counts
// (only the words containing the merged pair are touched), which gives the same merges as recounting every time.
const texts = corpusTexts(quick ? 3 : Infinity);
const t0 = performance.now();
const words = countWords(texts, { mode: "classic" });
const trained = trainBpe(words, { mode: "classic", vocabSize: quick ? 500 : 8000 });
const seconds = (performance.now() - t0) / 1000;
console.log(`\n${words.size} distinct words from ${texts.length} files; ${trained.merges.length} merges in ${seconds.toFixed(2)} s`);
console.log("first merges:", trained.merges.slice(0, 12).map(([a, b]) => `${a}+${b}`).join("  "));
console.log("longest tokens:", [...trained.vocabulary].sort((a, b) => b.length - a.length).slice(0, 8).join("  "));
