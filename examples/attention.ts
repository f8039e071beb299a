// Curriculum sections "注意力机制" and "自注意力" (attention, self-attention): scaled dot-product attention worked by hand on small inputs, then multi-head self-attention.
//
// Attention looks a query up among keys: score each key by its dot product with the query (scaled by 1/√d),
// turn the scores into weights with softmax, and return the weighted sum of the values. Self-attention is the
// case where queries, keys and values are all (projections of) the same sequence.
//
//   npx tsx examples/attention.ts           # the same at any size: everything here is tiny
//   npx tsx examples/attention.ts --quick
import {
  nn, key, tensor, matmul, transpose, softmax, div, scaledDotProductAttention, scaledDotProductAttentionWithWeights, randn, type Tensor,
} from "../src/index.js";

const round = (t: Tensor, digits = 4): unknown => JSON.parse(JSON.stringify(t.tolist(), (_, v: unknown) => (typeof v === "number" ? Number(v.toFixed(digits)) : v)));
const check = (what: string, got: number[], want: number[], tol = 1e-4): void => {
  if (got.length !== want.length || got.some((v, i) => Math.abs(v - want[i]!) > tol)) throw new Error(`${what}: expected ${want}, got ${got}`);
};

// ---- 1. One query, three keys, by hand ----------------------------------------------------------------------------
// Keys are 2-D "addresses"; the values are what is stored there. The query [1, 0] points along the first axis.
const q = tensor([[1, 0]]);
const k = tensor([[1, 0], [0, 1], [1, 1]]);
const v = tensor([[10, 0], [0, 10], [5, 5]]);
const scores = div(matmul(q, transpose(k)), Math.sqrt(2)); // q·kᵀ / √d
const weights = softmax(scores, -1);
const out = matmul(weights, v);
console.log("scores  q·kᵀ/√d =", round(scores));
console.log("weights softmax  =", round(weights));
console.log("output  weights·V =", round(out));
// By hand: scores are [1, 0, 1]/√2 = [0.7071, 0, 0.7071]; softmax gives e^0.7071 / (2e^0.7071 + 1) = 0.4011 for keys 1 and 3.
const e = Math.exp(1 / Math.sqrt(2));
const w1 = e / (2 * e + 1);
check("weights", Array.from(weights.dataSync()), [w1, 1 / (2 * e + 1), w1]);
check("output", Array.from(out.dataSync()), [10 * w1 + 5 * w1, 10 / (2 * e + 1) + 5 * w1]);
// The library function computes exactly this.
check("scaledDotProductAttention", Array.from(scaledDotProductAttention(q, k, v).dataSync()), Array.from(out.dataSync()), 1e-6);

// ---- 2. Masks: a causal mask lets position i see positions 0…i only ------------------------------------------------
const x = tensor([[1, 0], [0, 1], [1, 1]]); // a sequence of three 2-D vectors
const causal = scaledDotProductAttentionWithWeights(x, x, x, { isCausal: true });
console.log("causal self-attention weights =", round(causal.weights, 3));
// Row 0 can only look at itself; row 1 at rows 0 and 1.
check("causal row 0", Array.from(causal.weights.dataSync().slice(0, 3)), [1, 0, 0]);
if (causal.weights.dataSync()[5] !== 0) throw new Error("causal: row 1 must not see row 2");

// ---- 3. Multi-head self-attention: projections to queries, keys and values, split into heads --------------------------
const mha = nn.multiheadAttention({ embedDim: 8, numHeads: 2, batchFirst: true });
const { params } = mha.init(key(0));
for (const [name, p] of nn.namedParameters(params)) console.log(`${name} [${p.shape.join(", ")}]`);
const seq = randn(key(1), [1, 4, 8]); // one sentence of 4 tokens with 8 features each
const self = mha.forward(params, { query: seq, key: seq, value: seq });
console.log("output shape", self.output.shape, "weights (averaged over heads) shape", self.weights!.shape);
// Each row of attention weights is a probability distribution over the 4 tokens.
const rows = self.weights!.tolist() as number[][][];
for (const row of rows[0]!) check("a weight row sums to 1", [row.reduce((a, b) => a + b)], [1], 1e-5);
console.log("weights =", round(self.weights!, 3));
