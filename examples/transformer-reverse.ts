// Curriculum section "Transformer": an encoder-decoder Transformer learns to reverse digit strings, judged by exact match under greedy decoding.
//
// The source is a string of digits, the target the same digits reversed. The decoder reads the target shifted right
// behind a begin-of-sequence token (teacher forcing) under a causal mask, so position i predicts target digit i from
// the source and the target digits before it. At test time the model writes the answer one digit at a time, feeding
// each argmax back in (greedy decoding), and a string counts only if every digit is right.
//
//   npx tsx examples/transformer-reverse.ts           # 1500 steps of 64 strings; must reach ≥ 99% exact match
//   npx tsx examples/transformer-reverse.ts --quick   # 12 steps: the loss only has to fall
import {
  nn, key, split, foldIn, randint, flip, cat, full, narrow, argmax, crossEntropy, reshape, mul,
  valueAndGrad, adam, applyUpdates, positionalEncoding, type Tensor,
} from "../src/index.js";

const quick = process.argv.includes("--quick");
const LEN = 6; // digits per string
const BOS = 10; // begin-of-sequence token; the vocabulary is the digits 0-9 and BOS
const D_MODEL = 32;

// ---- 模型: embedding · √d + sinusoidal positions → nn.transformer → a linear layer over the 10 digits ---------------
const model = nn.defineModule({
  kind: "ReverseTransformer",
  children: {
    embedding: nn.embedding({ numEmbeddings: 11, embeddingDim: D_MODEL }),
    pos: positionalEncoding({ dModel: D_MODEL, maxLen: 16 }),
    transformer: nn.transformer({ dModel: D_MODEL, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 64, dropout: 0, batchFirst: true }),
    generator: nn.linear({ inFeatures: D_MODEL, outFeatures: 10 }),
  },
  forward: ({ children: c }, { src, tgt }: { src: Tensor; tgt: Tensor }) => {
    const embed = (ids: Tensor): Tensor => c.pos(mul(c.embedding(ids), Math.sqrt(D_MODEL)));
    const T = tgt.shape[1]!;
    return c.generator(c.transformer({ src: embed(src), tgt: embed(tgt), tgtMask: nn.generateSquareSubsequentMask(T) }));
  },
});
const [kInit, kData] = split(key(0));
let params = model.init(kInit!).params;
console.log(`parameters: ${nn.parameterCount(params)}`);

// ---- 数据: random strings; the decoder input is BOS followed by the reversed string without its last digit -----------
const batch = (k: ReturnType<typeof key>, n: number) => {
  const src = randint(k, 0, 10, [n, LEN]);
  const target = flip(src, 1);
  const tgtIn = cat([full([n, 1], BOS, { dtype: "int32" }), narrow(target, 1, 0, LEN - 1)], 1);
  return { src, tgtIn, target };
};

// ---- 训练: cross-entropy over every target position, Adam ----------------------------------------------------------
const opt = adam({ lr: 1e-3 });
let optState = opt.init(params);
const lossOf = (p: typeof params, b: ReturnType<typeof batch>): Tensor =>
  crossEntropy(reshape(model.forward(p, { src: b.src, tgt: b.tgtIn }), [-1, 10]), reshape(b.target, [-1]));
const step = valueAndGrad(lossOf);
const steps = quick ? 12 : 1500;
const losses: number[] = [];
const started = Date.now();
for (let s = 0; s < steps; s++) {
  const [loss, grads] = step(params, batch(foldIn(kData!, s), 64));
  const { updates, state } = opt.update(grads, optState, params);
  params = applyUpdates(params, updates);
  optState = state;
  losses.push(loss.item());
  if (s % 100 === 0 || s === steps - 1) console.log(`step ${s}: loss ${losses.at(-1)!.toFixed(4)}`);
}
console.log(`${steps} steps in ${((Date.now() - started) / 1000).toFixed(1)} s`);

// ---- 贪心解码: write the answer one digit at a time, each argmax fed back in ------------------------------------------
const greedy = (src: Tensor): Tensor => {
  let out = full([src.shape[0]!, 1], BOS, { dtype: "int32" });
  for (let i = 0; i < LEN; i++) {
    const logits = model.forward(params, { src, tgt: out });
    out = cat([out, argmax(narrow(logits, 1, i, 1), -1)], 1);
  }
  return narrow(out, 1, 1, LEN);
};
const test = batch(key(12345), quick ? 20 : 1000);
const predicted = greedy(test.src);
const rows = (t: Tensor): number[][] => t.tolist() as number[][];
const [srcRows, predRows, targetRows] = [rows(test.src), rows(predicted), rows(test.target)];
const exact = predRows.filter((r, i) => r.every((d, j) => d === targetRows[i]![j])).length / predRows.length;
console.log(`source    ${srcRows[0]!.join("")}\npredicted ${predRows[0]!.join("")}\nreversed  ${targetRows[0]!.join("")}`);
console.log(`exact match (greedy decoding) on ${test.src.shape[0]} new strings: ${(100 * exact).toFixed(1)}%`);

if (quick) {
  const early = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
  const late = losses.slice(-3).reduce((a, b) => a + b) / 3;
  if (!(late < early)) throw new Error(`expected the loss to fall in the quick run, got ${early.toFixed(3)} → ${late.toFixed(3)}`);
} else if (exact < 0.99) {
  throw new Error(`expected ≥ 99% exact match after ${steps} steps, got ${(100 * exact).toFixed(1)}%`);
}
