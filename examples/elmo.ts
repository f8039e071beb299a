// Curriculum section "ELMo": a bidirectional LSTM language model on the Python docs whose layer states are context-dependent word vectors — the same word in two sentences gets two vectors.
//
// Word2Vec gives a word one vector whatever its sentence ("一词多义" — one word, many senses — is lost). ELMo trains a
// forward LSTM language model (predict the next word from the words before) and a backward one (predict the previous
// word from the words after), each two layers deep, and uses their hidden states as the word's vectors: layer 0 is the
// plain embedding (context-free), layers 1 and 2 mix in the sentence. Sentences of different lengths are batched with
// `lengths`, so padding never reaches the states.
//
//   npx tsx examples/elmo.ts           # 400 steps of 32 sentences
//   npx tsx examples/elmo.ts --quick   # 4 steps of 12 sentences: the loss only has to fall
import {
  nn, key, split, foldIn, tensor, reshape, narrow, flip, cat, crossEntropy, valueAndGrad, adam, applyUpdates, sum, mul, div, norm, randint, type Tensor,
} from "../src/index.js";
import { buildVocab, loadSentences } from "./_corpus.js";

const quick = process.argv.includes("--quick");
const T = 14; // longest sentence kept
const E = 32;
const H = 64;

// ---- 数据 ------------------------------------------------------------------------------------------------------------------
const sentences = loadSentences(quick ? 100_000 : 2_000_000).filter((s) => s.length >= 4).map((s) => s.slice(0, T));
const { words, index } = buildVocab(sentences, 3000);
const V = words.length;
const PAD_LABEL = -100; // crossEntropy's ignoreIndex
const encode = (batch: string[][]) => {
  const lengths = batch.map((s) => s.length);
  const ids = batch.flatMap((s) => [...s.map((w) => index.get(w) ?? 0), ...Array<number>(T - s.length).fill(0)]);
  return { ids: tensor(ids, { dtype: "int32", shape: [batch.length, T] }), lengths };
};
console.log(`${sentences.length} sentences, vocabulary ${V}`);

// ---- 模型: shared embedding; forward and backward LMs, two LSTM layers each; one softmax layer for both ---------------------
const lstm = (inputSize: number) => nn.lstm({ inputSize, hiddenSize: H, batchFirst: true });
const elmo = nn.defineModule({
  kind: "ELMo",
  children: { embed: nn.embedding({ numEmbeddings: V, embeddingDim: E }), fwd1: lstm(E), fwd2: lstm(H), bwd1: lstm(E), bwd2: lstm(H), out: nn.linear({ inFeatures: H, outFeatures: V }) },
  forward: ({ children: c }, { ids, lengths }: { ids: Tensor; lengths: number[] }) => {
    const x = c.embed(ids); // layer 0: the context-free vectors [B, T, E]
    const f1 = c.fwd1({ input: x, lengths }).output;
    const f2 = c.fwd2({ input: f1, lengths }).output;
    // The backward LM reads each sentence reversed: flip its real part (padding stays at the end), run, flip back.
    const reverse = (t: Tensor): Tensor => cat(lengths.map((len, b) => cat([flip(narrow(narrow(t, 0, b, 1), 1, 0, len), 1), narrow(narrow(t, 0, b, 1), 1, len, T - len)], 1)), 0);
    const b1 = c.bwd1({ input: reverse(x), lengths }).output;
    const b2 = c.bwd2({ input: b1, lengths }).output;
    return { layers: [x, cat([f1, reverse(b1)], 2), cat([f2, reverse(b2)], 2)], fwdLogits: c.out(f2), bwdLogits: c.out(reverse(b2)) };
  },
});
const [kInit, kData] = split(key(0));
let params = elmo.init(kInit!).params;

// Forward LM at position t predicts word t+1; backward LM at t predicts word t-1; padding and the ends are ignored.
const targets = (ids: Tensor, lengths: number[], shift: 1 | -1): Tensor => {
  const d = ids.dataSync();
  return tensor(
    lengths.flatMap((len, b) => Array.from({ length: T }, (_, t) => (t + shift >= 0 && t + shift < len && t < len ? d[b * T + t + shift]! : PAD_LABEL))),
    { dtype: "int32", shape: [lengths.length * T] },
  );
};
const lossOf = (p: typeof params, batch: ReturnType<typeof encode>): Tensor => {
  const { fwdLogits, bwdLogits } = elmo.forward(p, batch);
  const flat = (l: Tensor): Tensor => reshape(l, [-1, V]);
  return div(crossEntropy(flat(fwdLogits), targets(batch.ids, batch.lengths, 1)), 2).add(div(crossEntropy(flat(bwdLogits), targets(batch.ids, batch.lengths, -1)), 2));
};
const opt = adam({ lr: 3e-3 });
let state = opt.init(params);
const steps = quick ? 4 : 400;
const losses: number[] = [];
for (let s = 0; s < steps; s++) {
  const pick = Array.from(randint(foldIn(kData!, s), 0, sentences.length, [quick ? 12 : 32]).dataSync(), (i) => sentences[i]!);
  const [loss, grads] = valueAndGrad(lossOf)(params, encode(pick));
  const u = opt.update(grads, state, params);
  params = applyUpdates(params, u.updates);
  state = u.state;
  losses.push(loss.item());
  if (s % 50 === 0 || s === steps - 1) console.log(`step ${s}: loss ${losses.at(-1)!.toFixed(3)}`);
}
if (!(losses.slice(-2).reduce((a, b) => a + b) < losses.slice(0, 2).reduce((a, b) => a + b))) throw new Error("expected the biLM loss to fall");

// ---- 一词多义: "file" in two sentences ------------------------------------------------------------------------------------
const a = "open the file and read the data".split(" ");
const b = "please file a bug report on the tracker".split(" ");
const { layers } = elmo.forward(params, encode([a, b]));
const vectorAt = (layer: Tensor, row: number, pos: number): Tensor => reshape(narrow(narrow(layer, 0, row, 1), 1, pos, 1), [layer.shape[2]!]);
const cosine = (u: Tensor, v: Tensor): number => div(sum(mul(u, v)), mul(norm(u), norm(v))).item();
const [pa, pb] = [a.indexOf("file"), b.indexOf("file")];
console.log(`"${a.join(" ")}" / "${b.join(" ")}"`);
const sims = layers.map((l, i) => {
  const c = cosine(vectorAt(l, 0, pa), vectorAt(l, 1, pb));
  console.log(`layer ${i} (${i === 0 ? "embedding, context-free" : `biLSTM layer ${i}`}): cos("file" in sentence 1, "file" in sentence 2) = ${c.toFixed(4)}`);
  return c;
});
// The embedding gives one vector per word; the LSTM layers give one per occurrence.
if (Math.abs(sims[0]! - 1) > 1e-6) throw new Error("layer 0 must give the same vector for the same word");
if (!(sims[1]! < 0.999 && sims[2]! < 0.999)) throw new Error("the biLSTM layers must give different vectors in different sentences");
console.log(`words in the vocabulary: ${["open", "file", "bug", "report"].map((w) => `${w}=${index.has(w)}`).join(" ")}`);
