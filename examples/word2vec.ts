// Curriculum section "Word2Vec": skip-gram with negative sampling and CBOW trained on the Python documentation, then nearest neighbours by cosine similarity and analogies.
//
// Skip-gram: given a word, predict the words around it. CBOW: given the words around a gap, predict the word in the
// gap. Both learn the matrix Q (here `inEmbed`, V × d) as a by-product. A softmax over the whole vocabulary per
// prediction would be slow, so negative sampling turns each prediction into a few binary decisions: raise
// σ(q_w · c_context) for the real context word, lower σ(q_w · c_n) for k words drawn from the unigram distribution^0.75.
// Frequent words ("the", "a") are subsampled, as in the original word2vec.
//
//   npx tsx examples/word2vec.ts           # ~4 MB of the docs, 800 skip-gram and 300 CBOW steps of 4096 pairs
//   npx tsx examples/word2vec.ts --quick   # ~200 kB, a few steps: the losses only have to fall
import { nn, key, split, tensor, reshape, mul, sum, mean, neg, logsigmoid, add, matmul, div, norm, narrow, valueAndGrad, adam, applyUpdates, type Tensor } from "../src/index.js";
import { buildVocab, loadSentences } from "./_corpus.js";

const quick = process.argv.includes("--quick");
const DIM = 64;
const WINDOW = 4;
const NEG = 5;
const BATCH = quick ? 512 : 4096;

// ---- 数据: words → ids, frequent words subsampled ----------------------------------------------------------------------
const sentences = loadSentences(quick ? 200_000 : 4_000_000);
const { words, index, counts } = buildVocab(sentences, quick ? 1500 : 6000, 5);
const V = words.length;
const total = counts.reduce((a, b) => a + b, 0);
// A small deterministic PRNG (mulberry32) for sampling pairs; the model's randomness uses rivulet keys.
let seed = 12345;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
// Keep word w with probability √(t / f(w)) + t / f(w), t = 1e-4 (word2vec's subsampling rule).
const keep = counts.map((c) => Math.min(1, Math.sqrt(1e-4 / (c / total)) + 1e-4 / (c / total)));
const corpus: number[][] = sentences
  .map((s) => s.map((w) => index.get(w) ?? 0).filter((id) => id !== 0 && random() < keep[id]!))
  .filter((s) => s.length >= 2);
console.log(`vocabulary ${V} words (count ≥ 5), ${corpus.reduce((a, s) => a + s.length, 0)} tokens after subsampling`);
// Negatives from the unigram distribution raised to 0.75 (a cumulative table, binary-searched).
const cdf = (() => {
  const p = counts.map((c, i) => (i === 0 ? 0 : Math.pow(c, 0.75)));
  const z = p.reduce((a, b) => a + b, 0);
  let acc = 0;
  return p.map((x) => (acc += x / z));
})();
const negative = (): number => {
  const u = random();
  let lo = 0;
  let hi = V - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const ids = (xs: number[], shape: number[]): Tensor => tensor(xs, { dtype: "int32", shape });

// ---- 模型: two tables, Q (inEmbed) for the input side and outEmbed for the predicted side ------------------------------
const tables = nn.defineModule({
  kind: "Word2Vec",
  children: { inEmbed: nn.embedding({ numEmbeddings: V, embeddingDim: DIM }), outEmbed: nn.embedding({ numEmbeddings: V, embeddingDim: DIM }) },
  // input [B, d] against targets [B, 1+k]: the first is the real word (label 1), the rest negatives (label 0).
  forward: ({ children: c }, { input, targets }: { input: Tensor; targets: Tensor }) => {
    const scores = reshape(matmul(c.outEmbed(targets), reshape(input, [input.shape[0]!, DIM, 1])), targets.shape); // [B, 1+k]
    const sign = tensor([1, ...Array<number>(NEG).fill(-1)]);
    return neg(mean(sum(logsigmoid(mul(scores, sign)), 1)));
  },
});
const embedIn = nn.embedding({ numEmbeddings: V, embeddingDim: DIM });
const init = (k: ReturnType<typeof key>) => {
  const p = tables.init(k).params as { inEmbed: { weight: Tensor }; outEmbed: { weight: Tensor } };
  // word2vec's init: small uniform input vectors, zero output vectors.
  return { inEmbed: { weight: mul(p.inEmbed.weight, 0.5 / DIM) }, outEmbed: { weight: mul(p.outEmbed.weight, 0) } };
};

const targetsFor = (real: number[]): Tensor => ids(real.flatMap((w) => [w, ...Array.from({ length: NEG }, negative)]), [real.length, 1 + NEG]);
const skipgramBatch = () => {
  const centers: number[] = [];
  const contexts: number[] = [];
  while (centers.length < BATCH) {
    const s = corpus[Math.floor(random() * corpus.length)]!;
    const i = Math.floor(random() * s.length);
    const j = i + (Math.floor(random() * WINDOW) + 1) * (random() < 0.5 ? -1 : 1);
    if (j < 0 || j >= s.length) continue;
    centers.push(s[i]!);
    contexts.push(s[j]!);
  }
  return { centers: ids(centers, [BATCH]), targets: targetsFor(contexts) };
};
const cbowBatch = () => {
  const ctx: number[] = [];
  const centers: number[] = [];
  const C = 2; // two words each side
  while (centers.length < BATCH) {
    const s = corpus[Math.floor(random() * corpus.length)]!;
    if (s.length < 2 * C + 1) continue;
    const i = C + Math.floor(random() * (s.length - 2 * C));
    ctx.push(...s.slice(i - C, i), ...s.slice(i + 1, i + 1 + C));
    centers.push(s[i]!);
  }
  return { context: ids(ctx, [BATCH, 2 * C]), targets: targetsFor(centers) };
};

type P = ReturnType<typeof init>;
const train = <B>(name: string, params: P, steps: number, nextBatch: () => B, lossOf: (p: P, batch: B) => Tensor): P => {
  const opt = adam({ lr: 0.01 });
  let state = opt.init(params);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const [loss, grads] = valueAndGrad(lossOf)(params, nextBatch()); // a fresh batch of pairs every step
    const u = opt.update(grads, state, params);
    params = applyUpdates(params, u.updates);
    state = u.state;
    losses.push(loss.item());
    if (s % 100 === 0 || s === steps - 1) console.log(`${name} step ${s}: loss ${losses.at(-1)!.toFixed(4)}`);
  }
  const k = Math.max(1, Math.min(20, Math.floor(steps / 4)));
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b) / xs.length;
  if (!(avg(losses.slice(-k)) < avg(losses.slice(0, k)))) throw new Error(`${name}: expected the loss to fall`);
  return params;
};

const [k1, k2] = split(key(0));
// Skip-gram: the center word's Q row predicts each context word.
const sg = train("skip-gram", init(k1!), quick ? 8 : 800, skipgramBatch, (p, b) =>
  tables.forward(p, { input: embedIn.forward({ weight: p.inEmbed.weight }, b.centers), targets: b.targets }),
);
// CBOW: the mean of the context words' Q rows predicts the center word.
const cb = train("CBOW", init(k2!), quick ? 8 : 300, cbowBatch, (p, b) =>
  tables.forward(p, { input: mean(embedIn.forward({ weight: p.inEmbed.weight }, b.context), 1), targets: b.targets }),
);

// ---- 近邻与类比: cosine similarity between rows of Q -----------------------------------------------------------------------
const report = (name: string, Q: Tensor): number => {
  const unit = div(Q, add(norm(Q, 1, { keepdim: true }), 1e-8));
  const vec = (w: string): Tensor => reshape(narrow(unit, 0, index.get(w)!, 1), [DIM]);
  const nearest = (v: Tensor, exclude: string[], k = 5): string[] => {
    const sims = matmul(unit, reshape(div(v, norm(v)), [DIM, 1])).dataSync();
    return Array.from(sims.keys()).filter((i) => i !== 0 && !exclude.includes(words[i]!)).sort((a, b) => sims[b]! - sims[a]!).slice(0, k).map((i) => `${words[i]} ${sims[i]!.toFixed(2)}`);
  };
  console.log(`\n${name}: nearest neighbours by cosine similarity`);
  for (const w of ["int", "list", "file", "read", "true", "thread", "error"]) if (index.has(w)) console.log(`  ${w.padEnd(7)} → ${nearest(vec(w), [w]).join(", ")}`);
  console.log(`${name}: analogies a : b :: c : ? (b - a + c)`);
  for (const [a, b, c] of [["int", "integer", "str"], ["read", "reading", "write"], ["true", "false", "yes"], ["get", "set", "read"], ["class", "classes", "function"]])
    if ([a, b, c].every((w) => index.has(w))) console.log(`  ${a} : ${b} :: ${c} : ${nearest(add(neg(vec(a)), add(vec(b), vec(c))), [a, b, c], 3).join(", ")}`);
  // Related pairs should be closer than random pairs (a check that fails if nothing was learned).
  const cos = (a: string, b: string): number => sum(mul(vec(a), vec(b))).item();
  const related = [["int", "float"], ["list", "tuple"], ["read", "write"], ["true", "false"], ["key", "value"]].filter((p) => p.every((w) => index.has(w)));
  const rel = related.reduce((acc, [a, b]) => acc + cos(a!, b!), 0) / related.length;
  const randomPairs = Array.from({ length: 200 }, () => [words[1 + Math.floor(random() * (V - 1))]!, words[1 + Math.floor(random() * (V - 1))]!]);
  const base = randomPairs.reduce((acc, [a, b]) => acc + cos(a!, b!), 0) / randomPairs.length;
  console.log(`${name}: mean cosine of related pairs ${rel.toFixed(3)} vs random pairs ${base.toFixed(3)}`);
  return rel - base;
};
const gapSG = report("skip-gram", sg.inEmbed.weight);
const gapCB = report("CBOW", cb.inEmbed.weight);
if (!quick && !(gapSG > 0.2 && gapCB > 0.1)) throw new Error(`expected related words clearly closer than random ones, got margins ${gapSG.toFixed(3)} and ${gapCB.toFixed(3)}`);
