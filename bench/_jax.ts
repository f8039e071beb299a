// The jax-js peer: loads @jax-js/jax on its Wasm device (optionally multi-threaded through the Worker shim), and the
// networks the training rows time, written in jax-js the way its users write them (jit of valueAndGrad, SGD by tree.map).
import type * as JaxNamespace from "@jax-js/jax";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { installWorkerShim } from "./_workerShim.js";

export type Jax = typeof JaxNamespace;
type JArray = JaxNamespace.numpy.Array;
/** A network's parameters: named arrays. */
export type JParams = { [name: string]: JArray };

/** The installed @jax-js/jax version. */
export const jaxVersion = (): string => {
  // The package's exports map hides package.json; it sits one folder above the entry point (dist/).
  const entry = createRequire(import.meta.url).resolve("@jax-js/jax");
  return (JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string }).version;
};

/**
 * Imports jax-js and starts its Wasm device. With `threads` > 1 a browser-Worker shim is installed first, so jax-js
 * runs its kernels on that many worker threads (stock Node has no `Worker`: one thread). Call once per process.
 */
export const loadJax = async (threads = 1): Promise<Jax> => {
  if (threads > 1) installWorkerShim(threads);
  const jax = (await import("@jax-js/jax")) as Jax;
  await jax.init("wasm");
  jax.defaultDevice("wasm");
  return jax;
};

/** Standard-normal values from a small deterministic generator (the peers need inputs of the right shape, not a shared RNG). */
export const normals = (n: number, seed: number, scale = 1): Float32Array => {
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return out;
};

/** An array of `shape` filled with `normals`. */
export const jnormal = (jax: Jax, shape: readonly number[], seed: number, scale = 1): JArray =>
  jax.numpy.array(normals(shape.reduce((a, b) => a * b, 1), seed, scale)).reshape([...shape]);

/** One-hot targets [n, 10] for the labels i·7 mod 10. */
export const jlabels = (jax: Jax, n: number): JArray =>
  jax.nn.oneHot(jax.numpy.array(Int32Array.from({ length: n }, (_, i) => (i * 7) % 10), { dtype: jax.numpy.int32 }), 10);

/** A network in jax-js: parameter shapes and a forward pass that consumes its arguments (jax-js's ownership rules). */
export interface JaxNet {
  readonly params: Readonly<Record<string, readonly number[]>>;
  readonly forward: (jax: Jax, p: JParams, x: JArray) => JArray;
}

const pool2 = (x: JArray, how: "mean" | "max"): JArray => {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const r = x.reshape([n, c, h / 2, 2, w / 2, 2]);
  return how === "mean" ? r.mean([3, 5]) : r.max([3, 5]);
};
const conv = (jax: Jax, x: JArray, w: JArray, b: JArray, pad: number): JArray =>
  jax.lax.conv(x, w, [1, 1], [[pad, pad], [pad, pad]]).add(b.reshape([1, -1, 1, 1]));
const dense = (jax: Jax, x: JArray, w: JArray, b: JArray): JArray => jax.numpy.matmul(x, w).add(b);

/** The curriculum's LeNet (sigmoid, average pooling), NCHW [N, 1, 28, 28] in. */
export const jaxLenet: JaxNet = {
  params: { c1: [6, 1, 5, 5], c1b: [6], c2: [16, 6, 5, 5], c2b: [16], f1: [400, 120], f1b: [120], f2: [120, 84], f2b: [84], f3: [84, 10], f3b: [10] },
  forward: (jax, p, x) => {
    const s = jax.nn.sigmoid;
    let h = pool2(s(conv(jax, x, p.c1!, p.c1b!, 2)), "mean");
    h = pool2(s(conv(jax, h, p.c2!, p.c2b!, 0)), "mean");
    h = s(dense(jax, h.reshape([h.shape[0]!, 400]), p.f1!, p.f1b!));
    h = s(dense(jax, h, p.f2!, p.f2b!));
    return dense(jax, h, p.f3!, p.f3b!);
  },
};

/** d2l's MLP 784-256-10 with ReLU, [N, 784] in. */
export const jaxMlp: JaxNet = {
  params: { w1: [784, 256], b1: [256], w2: [256, 10], b2: [10] },
  forward: (jax, p, x) => dense(jax, jax.nn.relu(dense(jax, x, p.w1!, p.b1!)), p.w2!, p.b2!),
};

/** The notes' CIFAR-10 network (nn.zoo.tudui): three 5×5 convolutions with max pooling, then 1024-64-10. */
export const jaxTudui: JaxNet = {
  params: { c1: [32, 3, 5, 5], c1b: [32], c2: [32, 32, 5, 5], c2b: [32], c3: [64, 32, 5, 5], c3b: [64], f1: [1024, 64], f1b: [64], f2: [64, 10], f2b: [10] },
  forward: (jax, p, x) => {
    let h = pool2(conv(jax, x, p.c1!, p.c1b!, 2), "max");
    h = pool2(conv(jax, h, p.c2!, p.c2b!, 2), "max");
    h = pool2(conv(jax, h, p.c3!, p.c3b!, 2), "max");
    return dense(jax, dense(jax, h.reshape([h.shape[0]!, 1024]), p.f1!, p.f1b!), p.f2!, p.f2b!);
  },
};

/** Freshly drawn parameters for `net` (scaled normals; the figures time arithmetic, not learning). */
export const jaxInit = (jax: Jax, net: JaxNet): JParams =>
  Object.fromEntries(Object.entries(net.params).map(([k, shape], i) => [k, jnormal(jax, shape, 100 + i, 0.1)]));

/** A task timing one SGD step (jit of valueAndGrad of cross-entropy, then p − lr·g) on a fixed batch, the loss read back. */
export const jaxTrainTask = (jax: Jax, net: JaxNet, sample: readonly number[], batch: number) => {
  const { tree } = jax;
  let params = jaxInit(jax, net);
  const x = jnormal(jax, [batch, ...sample], 1);
  const y = jlabels(jax, batch);
  const loss = (p: JParams, xb: JArray, yb: JArray): JArray => jax.nn.logSoftmax(net.forward(jax, p, xb)).mul(yb).sum().mul(-1 / batch);
  const step = jax.jit((p: JParams, xb: JArray, yb: JArray) => {
    const [l, g] = jax.valueAndGrad(loss)(tree.ref(p), xb, yb);
    return [l, tree.map((a: JArray, d: JArray) => a.sub(d.mul(0.01)), p, g)];
  });
  return {
    run: async () => {
      const [l, next] = step(params, x.ref, y.ref) as unknown as [JArray, JParams];
      params = next;
      await l.data();
    },
    dispose: () => {
      tree.dispose(params);
      x.dispose();
      y.dispose();
    },
  };
};

/** A task timing a forward pass (jit) on a fixed batch, the logits read back. */
export const jaxInferTask = (jax: Jax, net: JaxNet, sample: readonly number[], batch: number) => {
  const params = jaxInit(jax, net);
  const x = jnormal(jax, [batch, ...sample], 1);
  const forward = jax.jit((p: JParams, xb: JArray) => net.forward(jax, p, xb));
  return {
    run: async () => void (await forward(jax.tree.ref(params), x.ref).data()),
    dispose: () => {
      jax.tree.dispose(params);
      x.dispose();
    },
  };
};
