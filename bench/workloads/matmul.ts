// matmul-N: an N×N by N×N float32 product, read back, in GFLOP/s (2·N³ floating-point operations).
import { key, matmul, rand, split } from "../../src/index.js";
import type { Workload } from "../workload.js";
import { jnormal } from "../_jax.js";

const square = (n: number): Workload => ({
  name: `matmul-${n}`,
  unit: "GFLOP/s",
  higherIsBetter: true,
  score: (ms) => (2 * n ** 3) / (ms * 1e6),
  rivulet: async () => {
    const [ka, kb] = split(key(n));
    const a = rand(ka!, [n, n]), b = rand(kb!, [n, n]);
    return { run: () => void matmul(a, b).dataSync() };
  },
  tfjs: (tf) => {
    const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n]);
    return {
      run: () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      },
      dispose: () => tf.dispose([a, b]),
    };
  },
  jax: (jax) => {
    const a = jnormal(jax, [n, n], 1), b = jnormal(jax, [n, n], 2);
    return {
      run: async () => void (await jax.numpy.matmul(a.ref, b.ref).data()),
      dispose: () => { a.dispose(); b.dispose(); },
    };
  },
});

export const matmulWorkloads: readonly Workload[] = [square(256), square(512), square(1024)];
