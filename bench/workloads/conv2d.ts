// conv2d-forward and conv2d-backward: input [64, 3, 32, 32] by weight [32, 3, 5, 5], padding 2, stride 1, in ms.
// Backward is a full gradient step, grad of sum(conv2d(x, w) · g) with respect to x and w (the forward included).
import { conv2d, grad, key, randn, split, type Tensor } from "../../src/index.js";
import type { GradSaveFunc, Tensor as TfTensor, Tensor4D } from "@tensorflow/tfjs";
import type { Tf, Workload } from "../workload.js";
import { jnormal, type Jax } from "../_jax.js";

const [N, C, H, W, F, K, PAD] = [64, 3, 32, 32, 32, 5, 2] as const;

const inputs = () => {
  const [kx, kw, kg] = split(key(7), 3);
  return { x: randn(kx!, [N, C, H, W]), w: randn(kw!, [F, C, K, K]), g: randn(kg!, [N, F, H, W]) };
};

// tfjs runs in its native layout, NHWC with HWIO filters (its wasm backend supports no other); the arithmetic is the same.
const tfInputs = (tf: Tf) => ({
  x: tf.randomNormal([N, H, W, C]) as Tensor4D,
  w: tf.randomNormal([K, K, C, F]) as Tensor4D,
  g: tf.randomNormal([N, H, W, F]) as Tensor4D,
});

/**
 * conv2d whose gradient avoids Conv2DBackpropFilter, which tfjs-backend-wasm lacks: dx is Conv2DBackpropInput
 * and dw is itself a convolution, of x with batch and channels swapped by dy used as the filter:
 * dw[i, j, ci, co] = Σ_{n,a,b} xpad[n, a+i, b+j, ci] · dy[n, a, b, co]. (That filter is H×W; it must be square here,
 * because tfjs sizes numerically padded outputs by the filter height alone.)
 */
export const wasmConv2d = (tf: Tf): ((x: TfTensor, w: TfTensor) => TfTensor) =>
  tf.customGrad((...args: (TfTensor | GradSaveFunc)[]) => {
    const [x, w, save] = args as [Tensor4D, Tensor4D, GradSaveFunc];
    save([x, w]);
    return {
      value: tf.conv2d(x, w, 1, PAD),
      gradFunc: (dy: TfTensor, saved: TfTensor[]) => {
        const [sx, sw] = saved as [Tensor4D, Tensor4D];
        const d = dy as Tensor4D;
        const dx = tf.conv2dTranspose(d, sw, sx.shape, 1, PAD);
        const xT = tf.transpose(sx, [3, 1, 2, 0]); // [C, H, W, N]: channels as the batch
        const dyT = tf.transpose(d, [1, 2, 0, 3]); // [H, W, N, F]: dy as the filter
        const dw = tf.transpose(tf.conv2d(xT, dyT, 1, PAD), [1, 2, 0, 3]); // [C, K, K, F] → [K, K, C, F]
        return [dx, dw];
      },
    };
  }) as (x: TfTensor, w: TfTensor) => TfTensor;

/** jax-js inputs in rivulet's layout (NCHW, OIHW: jax-js's `lax.conv` takes the same). */
const jaxInputs = (jax: Jax) => ({ x: jnormal(jax, [N, C, H, W], 1), w: jnormal(jax, [F, C, K, K], 2), g: jnormal(jax, [N, F, H, W], 3) });
const jaxPad: [number, number][] = [[PAD, PAD], [PAD, PAD]];

export const conv2dForward: Workload = {
  name: "conv2d-forward",
  unit: "ms",
  higherIsBetter: false,
  score: (ms) => ms,
  rivulet: async () => {
    const { x, w } = inputs();
    return { run: () => void conv2d(x, w, { padding: PAD }).dataSync() };
  },
  tfjs: (tf) => {
    const { x, w, g } = tfInputs(tf);
    return {
      run: () => {
        const y = tf.conv2d(x, w, 1, PAD);
        y.dataSync();
        y.dispose();
      },
      dispose: () => tf.dispose([x, w, g]),
    };
  },
  jax: (jax) => {
    const { x, w, g } = jaxInputs(jax);
    g.dispose();
    return {
      run: async () => void (await jax.lax.conv(x.ref, w.ref, [1, 1], jaxPad).data()),
      dispose: () => { x.dispose(); w.dispose(); },
    };
  },
};

export const conv2dBackward: Workload = {
  name: "conv2d-backward",
  unit: "ms",
  higherIsBetter: false,
  score: (ms) => ms,
  rivulet: async () => {
    const { x, w, g } = inputs();
    const step = grad((p: { x: Tensor; w: Tensor }) => conv2d(p.x, p.w, { padding: PAD }).mul(g).sum());
    return {
      run: () => {
        const d = step({ x, w });
        d.x.dataSync();
        d.w.dataSync();
      },
    };
  },
  tfjs: (tf, backend) => {
    const { x, w, g } = tfInputs(tf);
    const conv = backend === "wasm" ? wasmConv2d(tf) : (a: TfTensor, b: TfTensor) => tf.conv2d(a as Tensor4D, b as Tensor4D, 1, PAD);
    const step = tf.grads((a, b) => tf.sum(tf.mul(conv(a!, b!), g)));
    return {
      run: () => {
        const [dx, dw] = step([x, w]);
        dx!.dataSync();
        dw!.dataSync();
        tf.dispose([dx!, dw!]);
      },
      dispose: () => tf.dispose([x, w, g]),
    };
  },
  jax: (jax) => {
    const { x, w, g } = jaxInputs(jax);
    type J = typeof x;
    const step = jax.jit(jax.grad((p: { x: J; w: J }, gg: J) => jax.lax.conv(p.x, p.w, [1, 1], jaxPad).mul(gg).sum()));
    return {
      run: async () => {
        const d = step({ x: x.ref, w: w.ref }, g.ref) as { x: J; w: J };
        await Promise.all([d.x.data(), d.w.data()]);
      },
      dispose: () => { x.dispose(); w.dispose(); g.dispose(); },
    };
  },
};

export const conv2dWorkloads: readonly Workload[] = [conv2dForward, conv2dBackward];
