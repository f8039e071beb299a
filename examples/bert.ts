// Curriculum section "BERT": masked-token pre-training of a small bidirectional Transformer encoder on the Python documentation, then its accuracy at filling in held-out blanks.
//
//   npx tsx examples/bert.ts            the full run (minutes on 2 cores; numbers in docs/results.md)
//   npx tsx examples/bert.ts --quick    tiny settings, a smoke test
//
// GPT reads left to right; BERT reads the whole sentence at once, so it cannot be trained to predict "the next token"
// (it would see it). Instead some tokens are hidden and the model fills them in from both sides — the masked language
// model. BERT's recipe: choose 15% of the tokens; of those, 80% become [MASK], 10% a random token and 10% stay as they
// are (so the model cannot rely on seeing [MASK] and must keep a good representation of every token). The loss is
// the cross-entropy on the chosen positions only.
import { readFileSync } from "node:fs";
import { lastValueFrom, tap } from "rxjs";
import {
  adamw, nn, argmax, bert, bpeTokenizer, countWords, crossEntropy, epochs, key, loader, tensor, trainBpe, trainState, trainStep, trainSteps, windowDataset,
  type Tensor,
} from "../src/index.js";
import { corpusFiles, PYTHON_DOCS } from "./_corpus.js";

type Params = nn.Params;

const quick = process.argv.includes("--quick");
// More epochs than examples/gpt.ts on the same text: the masked-LM loss is taken on 15% of the positions only, so each
// step carries about a seventh of a causal LM's training signal (5 epochs left it at the commonest-token baseline).
const s = quick
  ? { chars: 12_000, vocabSize: 300, context: 32, hidden: 16, layers: 1, heads: 2, batchSize: 16, epochs: 2 }
  : { chars: 120_000, vocabSize: 512, context: 64, hidden: 48, layers: 2, heads: 4, batchSize: 16, epochs: 15 };

// ---- The corpus and a byte-level BPE tokenizer with the special token [MASK] ---------------------------------------
const tutorial = corpusFiles().filter((f) => f.startsWith(`${PYTHON_DOCS}/tutorial/`));
const text = (tutorial.length > 0 ? tutorial : corpusFiles()).map((f) => readFileSync(f, "utf8")).join("\n").slice(0, s.chars);
const lines = text.split("\n").filter((l) => l.trim() !== "");
const tokenizer = bpeTokenizer(trainBpe(countWords(lines), { vocabSize: s.vocabSize, specialTokens: ["[MASK]"] }).model!);
const MASK = tokenizer.tokenToId("[MASK]")!;
const V = tokenizer.vocabSize;
const ids = tokenizer.encode(text);
const cut = Math.floor(ids.length * 0.9);
console.log(`corpus: ${ids.length} tokens, vocabulary ${tokenizer.vocabSize} ([MASK] is id ${MASK}); the last 10% is held out`);

// ---- BERT's masking, with its own seeded random numbers (so every run masks alike) --------------------------------
const random = (seed: number) => () => {
  // mulberry32: a tiny, good-enough generator for choosing positions.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
/** One masked example: the input with 15% of positions corrupted (80/10/10) and labels there (−100 elsewhere: ignored). */
const maskWindow = (window: readonly number[], rand: () => number): { input: number[]; labels: number[] } => {
  const input = [...window];
  const labels = window.map(() => -100);
  for (let i = 0; i < window.length; i++) {
    if (rand() >= 0.15) continue;
    labels[i] = window[i]!;
    const r = rand();
    if (r < 0.8) input[i] = MASK;
    else if (r < 0.9) {
      // A random ordinary token: any id but [MASK]'s.
      const other = Math.floor(rand() * (V - 1));
      input[i] = other >= MASK ? other + 1 : other;
    }
  }
  return { input, labels };
};
interface Masked { readonly input: Tensor; readonly labels: Tensor }
const collate = (rand: () => number) => (rows: number[][]): Masked => {
  const masked = rows.map((w) => maskWindow(w, rand));
  return { input: tensor(masked.map((m) => m.input), { dtype: "int32" }), labels: tensor(masked.map((m) => m.labels), { dtype: "int32" }) };
};
// Training re-masks each window every time it is seen (RoBERTa's dynamic masking); held-out masks are drawn once.
const train = loader(windowDataset(ids.slice(0, cut), { length: s.context, stride: s.context }), { batchSize: s.batchSize, shuffle: true, seed: 0, dropLast: true, collate: collate(random(1)) });
const heldOutWindows = windowDataset(ids.slice(cut), { length: s.context, stride: s.context });
const heldOut = Array.from({ length: heldOutWindows.length }, (_, i) => heldOutWindows.get(i) as number[]);

// ---- The model: BERT's encoder with the masked-LM head (decoder tied to the word embeddings) -------------------------
const model = bert({
  vocabSize: tokenizer.vocabSize, hiddenSize: s.hidden, numHiddenLayers: s.layers, numAttentionHeads: s.heads, intermediateSize: 4 * s.hidden,
  maxPositionEmbeddings: s.context, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0,
});
const loss = (p: Params, b: Masked): Tensor => crossEntropy(model.forward(p, b.input).logits.reshape(-1, V), b.labels.reshape(-1), { ignoreIndex: -100 });
const optimizer = adamw({ lr: 2e-3, weightDecay: 0.01 });

/** Masked-token accuracy on held-out windows: the share of chosen positions whose original token is the top prediction. */
const heldOutAccuracy = (p: Params): { accuracy: number; positions: number } => {
  const rand = random(7); // the same blanks every time
  let [right, total] = [0, 0];
  for (let i = 0; i < heldOut.length; i += s.batchSize) {
    const b = collate(rand)(heldOut.slice(i, i + s.batchSize));
    const guess = argmax(model.forward(p, b.input).logits, -1).dataSync();
    const labels = b.labels.dataSync();
    labels.forEach((l, j) => {
      if (l < 0) return;
      total++;
      if (guess[j] === l) right++;
    });
  }
  return { accuracy: right / total, positions: total };
};

// A baseline that ignores context: always guess the most frequent training token.
const counts = new Map<number, number>();
for (const id of ids.slice(0, cut)) counts.set(id, (counts.get(id) ?? 0) + 1);
const commonest = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
const baseline = heldOut.flat().filter((t) => t === commonest).length / heldOut.flat().length;

const accuracies: number[] = [];
await lastValueFrom(
  train.epochs(s.epochs).pipe(
    trainSteps(trainStep<Params, Masked, unknown>({ loss, optimizer }), trainState({ params: model.init(key(0)).params, optimizer, seed: 0 })),
    epochs(),
    tap((e) => {
      const { accuracy, positions } = heldOutAccuracy(e.state.params);
      accuracies.push(accuracy);
      console.log(`epoch ${e.epoch + 1}: masked-LM loss ${e.train.loss!.toFixed(3)}; held-out masked-token accuracy ${(100 * accuracy).toFixed(1)}% over ${positions} blanks`);
    }),
  ),
);
console.log(`always guessing the commonest token ${JSON.stringify(tokenizer.decode([commonest]))} would score ${(100 * baseline).toFixed(1)}%`);
const last = accuracies.at(-1)!;
if (!(last >= 0 && last <= 1)) throw new Error(`accuracy out of range: ${last}`);
if (!quick && !(last > baseline + 0.05)) throw new Error(`expected BERT to beat the commonest-token baseline (${baseline}) clearly, got ${last}`);
