// Curriculum sections "神经网络语言模型", "独热编码" and "Word Embedding": one-hot vectors, why their cosine similarity is always 0, the embedding matrix Q, and Bengio's neural language model (NNLM) trained on the Python docs.
//
// A one-hot vector has a single 1 at the word's index, so two different words' vectors never share a non-zero
// coordinate: their dot product, hence their cosine similarity, is 0 — one-hot coding says nothing about which words
// are alike. A word embedding replaces it by a row of a V × m matrix Q; one-hot(w) · Q picks out that row. NNLM learns
// Q together with a language model: the embeddings of the previous n-1 words, concatenated, go through a tanh layer
// and a softmax over the vocabulary that predicts the next word.
//
//   npx tsx examples/nnlm.ts           # 600 steps on ~1 MB of the Python docs
//   npx tsx examples/nnlm.ts --quick   # 8 steps on ~100 kB: the loss only has to fall
import {
  nn, key, split, foldIn, oneHot, tensor, matmul, cast, reshape, narrow, crossEntropy, tanh, randint, valueAndGrad, adam, applyUpdates,
  norm, div, sum, mul, exp, type Tensor,
} from "../src/index.js";
import { buildVocab, loadSentences } from "./_corpus.js";

const quick = process.argv.includes("--quick");

// ---- 1. One-hot vectors: every pair of different words has cosine similarity 0 ---------------------------------------
const toyVocab = ["python", "java", "list", "tuple", "the"];
const onehots = cast(oneHot(tensor([0, 1, 2, 3, 4], { dtype: "int32" }), 5), "float32");
const cosine = (a: Tensor, b: Tensor): number => div(sum(mul(a, b)), mul(norm(a), norm(b))).item();
const row = (t: Tensor, i: number): Tensor => reshape(narrow(t, 0, i, 1), [t.shape[1]!]);
console.log("one-hot vectors:", onehots.tolist());
for (const [i, j] of [[0, 1], [2, 3], [0, 4]] as const) {
  const c = cosine(row(onehots, i), row(onehots, j));
  console.log(`cos(onehot("${toyVocab[i]}"), onehot("${toyVocab[j]}")) = ${c}`);
  if (c !== 0) throw new Error("one-hot vectors of different words must be orthogonal");
}

// ---- 2. The embedding matrix Q: one-hot(w) · Q is w's row of Q --------------------------------------------------------
const Q = nn.embedding({ numEmbeddings: 5, embeddingDim: 3 });
const qParams = Q.init(key(0)).params;
const viaMatmul = matmul(row(onehots, 2).reshape([1, 5]), qParams.weight as Tensor);
const viaLookup = Q.forward(qParams, tensor([2], { dtype: "int32" }));
console.log(`onehot("list") · Q = ${JSON.stringify(viaMatmul.tolist())}, Q lookup of "list" = ${JSON.stringify(viaLookup.tolist())}`);
if (Array.from(viaMatmul.dataSync()).some((v, i) => Math.abs(v - viaLookup.dataSync()[i]!) > 1e-6)) throw new Error("one-hot · Q must equal the row lookup");

// ---- 3. NNLM on the Python docs ---------------------------------------------------------------------------------------
const N = 4; // predict word t from words t-3, t-2, t-1
const M = 32; // embedding size m
const H = 64; // hidden units
const sentences = loadSentences(quick ? 100_000 : 1_000_000);
const { words, index } = buildVocab(sentences, 2000);
const V = words.length;
// Every window of N words (unknown words map to <unk> = 0).
const windows: number[] = [];
for (const s of sentences) {
  const ids = s.map((w) => index.get(w) ?? 0);
  for (let i = 0; i + N <= ids.length; i++) windows.push(...ids.slice(i, i + N));
}
const all = tensor(windows, { dtype: "int32", shape: [windows.length / N, N] });
console.log(`vocabulary ${V} words, ${all.shape[0]} training windows`);

const model = nn.defineModule({
  kind: "NNLM",
  children: {
    C: nn.embedding({ numEmbeddings: V, embeddingDim: M }), // the matrix Q (Bengio calls it C)
    hidden: nn.linear({ inFeatures: (N - 1) * M, outFeatures: H }),
    out: nn.linear({ inFeatures: H, outFeatures: V }),
  },
  forward: ({ children: c }, context: Tensor) => c.out(tanh(c.hidden(reshape(c.C(context), [context.shape[0]!, (N - 1) * M])))),
});
const [kInit, kData] = split(key(1));
let params = model.init(kInit!).params;
const opt = adam({ lr: 3e-3 });
let state = opt.init(params);
const lossOf = (p: typeof params, b: Tensor): Tensor => crossEntropy(model.forward(p, narrow(b, 1, 0, N - 1)), reshape(narrow(b, 1, N - 1, 1), [b.shape[0]!]));
const step = valueAndGrad(lossOf);
const steps = quick ? 8 : 600;
const losses: number[] = [];
for (let s = 0; s < steps; s++) {
  const pick = randint(foldIn(kData!, s), 0, all.shape[0]!, [256]);
  const batch = all.indexSelect(0, pick); // 256 random windows
  const [loss, grads] = step(params, batch);
  const u = opt.update(grads, state, params);
  params = applyUpdates(params, u.updates);
  state = u.state;
  losses.push(loss.item());
  if (s % 100 === 0 || s === steps - 1) console.log(`step ${s}: loss ${losses.at(-1)!.toFixed(3)}, perplexity ${exp(tensor(losses.at(-1)!)).item().toFixed(1)}`);
}

// The learned Q: nearest neighbours by cosine similarity (no longer all 0).
const Qw = (params.C as { weight: Tensor }).weight;
const unit = div(Qw, norm(Qw, 1, { keepdim: true }));
const neighbours = (w: string, k = 5): string[] => {
  const sims = matmul(unit, reshape(row(unit, index.get(w)!), [M, 1])).dataSync();
  return Array.from(sims.keys()).filter((i) => i !== index.get(w)).sort((a, b) => sims[b]! - sims[a]!).slice(0, k).map((i) => `${words[i]} ${sims[i]!.toFixed(2)}`);
};
for (const w of ["list", "file", "return"]) if (index.has(w)) console.log(`nearest to "${w}" in Q: ${neighbours(w).join(", ")}`);
const early = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
const late = losses.slice(-3).reduce((a, b) => a + b) / 3;
console.log(`loss ${early.toFixed(3)} → ${late.toFixed(3)} (uniform guessing: ln V = ${Math.log(V).toFixed(3)})`);
if (!(late < early)) throw new Error("expected the NNLM loss to fall");
