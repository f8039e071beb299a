// The jax-js peer of the gpt-train row: GPT-2's block (pre-norm, tanh GELU, tied LM head) at bench/workloads/gpt.ts's
// sizes, trained with AdamW by tree.map, written the way jax-js users write it (jit of valueAndGrad; `.ref` where an
// array is used twice, jax-js's ownership rule).
import type * as JaxNamespace from "@jax-js/jax";
import { jnormal, type Jax, type JParams } from "./_jax.js";

type JArray = JaxNamespace.numpy.Array;

/** The sizes of bench/workloads/gpt.ts. */
export interface GptSizes {
  readonly vocab: number;
  readonly ctx: number;
  readonly dModel: number;
  readonly layers: number;
  readonly heads: number;
  readonly batch: number;
}

const shapes = (s: GptSizes): Record<string, readonly number[]> => {
  const d = s.dModel;
  const out: Record<string, readonly number[]> = { wte: [s.vocab, d], wpe: [s.ctx, d], lnfG: [d], lnfB: [d] };
  for (let l = 0; l < s.layers; l++)
    Object.assign(out, {
      [`h${l}.ln1G`]: [d], [`h${l}.ln1B`]: [d], [`h${l}.attnW`]: [d, 3 * d], [`h${l}.attnB`]: [3 * d],
      [`h${l}.projW`]: [d, d], [`h${l}.projB`]: [d], [`h${l}.ln2G`]: [d], [`h${l}.ln2B`]: [d],
      [`h${l}.fcW`]: [d, 4 * d], [`h${l}.fcB`]: [4 * d], [`h${l}.mlpW`]: [4 * d, d], [`h${l}.mlpB`]: [d],
    });
  return out;
};

/** The causal mask [T, T]: true where a query may attend (keys at or before it). */
const causal = (jax: Jax, T: number): JArray => jax.numpy.tril(jax.numpy.ones([T, T])).greater(0.5);

const layerNorm = (jax: Jax, x: JArray, g: JArray, b: JArray): JArray => jax.nn.standardize(x, -1, { epsilon: 1e-5 }).mul(g).add(b);

/** Mean next-token cross-entropy of the GPT on tokens x [B, T] (int32) against one-hot targets [B·T, vocab]. */
const gptLoss = (jax: Jax, s: GptSizes) => (p: JParams, x: JArray, y: JArray): JArray => {
  const { numpy: np, nn } = jax;
  const [B, T, d, H] = [s.batch, s.ctx, s.dModel, s.heads];
  let h = np.take(p.wte!.ref, x, 0).add(p.wpe!);
  for (let l = 0; l < s.layers; l++) {
    const q = (k: string): JArray => p[`h${l}.${k}`]!;
    const a = layerNorm(jax, h.ref, q("ln1G"), q("ln1B"));
    const qkv = np.matmul(a, q("attnW")).add(q("attnB")).reshape([B, T, 3, H, d / H]);
    // [B, H, T, d/H] each (jax-js's dotProductAttention needs Node 22's iterator helpers, so attention is spelt out)
    const [qs, ks, vs] = np.split(qkv, 3, 2).map((t) => t.reshape([B, T, H, d / H]).transpose([0, 2, 1, 3]));
    const scores = np.matmul(qs!, ks!.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(d / H));
    const probs = nn.softmax(np.where(causal(jax, T), scores, -1e9), -1);
    const att = np.matmul(probs, vs!).transpose([0, 2, 1, 3]).reshape([B, T, d]);
    h = h.add(np.matmul(att, q("projW")).add(q("projB")));
    const m = layerNorm(jax, h.ref, q("ln2G"), q("ln2B"));
    h = h.add(np.matmul(nn.gelu(np.matmul(m, q("fcW")).add(q("fcB"))), q("mlpW")).add(q("mlpB")));
  }
  const logits = np.matmul(layerNorm(jax, h, p.lnfG!, p.lnfB!), p.wte!.transpose()).reshape([B * T, s.vocab]);
  return nn.logSoftmax(logits).mul(y).sum().mul(-1 / (B * T));
};

/** A task timing one AdamW step (lr 3e-4, betas 0.9/0.999, weight decay 0.01) of the GPT on a fixed batch, the loss read back. */
export const jaxGptTrainTask = (jax: Jax, s: GptSizes) => {
  const { tree, numpy: np } = jax;
  const names = shapes(s);
  let params: JParams = Object.fromEntries(Object.entries(names).map(([k, shape], i) => [k, k.endsWith("G") ? np.ones([...shape]) : jnormal(jax, shape, 200 + i, 0.02)]));
  let m: JParams = Object.fromEntries(Object.entries(names).map(([k, shape]) => [k, np.zeros([...shape])]));
  let v: JParams = Object.fromEntries(Object.entries(names).map(([k, shape]) => [k, np.zeros([...shape])]));
  const tokens = Int32Array.from({ length: s.batch * (s.ctx + 1) }, (_, i) => (i * 7919 + 13) % s.vocab);
  const x = np.array(tokens.filter((_, i) => i % (s.ctx + 1) < s.ctx), { dtype: np.int32 }).reshape([s.batch, s.ctx]);
  const y = jax.nn.oneHot(np.array(tokens.filter((_, i) => i % (s.ctx + 1) > 0), { dtype: np.int32 }), s.vocab);
  const [lr, b1, b2, eps, wd] = [3e-4, 0.9, 0.999, 1e-8, 0.01];
  let t = 0;
  const step = jax.jit((p: JParams, m0: JParams, v0: JParams, xb: JArray, yb: JArray, c1: JArray, c2: JArray) => {
    const [l, g] = jax.valueAndGrad(gptLoss(jax, s))(tree.ref(p), xb, yb);
    const m1 = tree.map((a: JArray, d: JArray) => a.mul(b1).add(d.mul(1 - b1)), m0, tree.ref(g));
    const v1 = tree.map((a: JArray, d: JArray) => a.mul(b2).add(d.ref.mul(d).mul(1 - b2)), v0, g);
    const p1 = tree.map(
      (w: JArray, mm: JArray, vv: JArray) => w.ref.sub(mm.div(c1.ref).div(np.sqrt(vv.div(c2.ref)).add(eps)).add(w.mul(wd)).mul(lr)),
      p, tree.ref(m1), tree.ref(v1),
    );
    c1.dispose();
    c2.dispose();
    return [l, p1, m1, v1];
  });
  return {
    run: async () => {
      t++;
      const [l, p1, m1, v1] = step(params, m, v, x.ref, y.ref, np.array(1 - b1 ** t), np.array(1 - b2 ** t)) as unknown as [JArray, JParams, JParams, JParams];
      [params, m, v] = [p1, m1, v1];
      await l.data();
    },
    dispose: () => {
      tree.dispose(params);
      tree.dispose(m);
      tree.dispose(v);
      x.dispose();
      y.dispose();
    },
  };
};
