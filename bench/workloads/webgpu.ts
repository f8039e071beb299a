// WebGPU rows: rivulet on WebGPU beside rivulet's CPU backend and @tensorflow/tfjs-backend-webgpu on the same Dawn adapter.
// matmul 256–2048 (GFLOP/s), conv2d forward/backward (ms), LeNet and the curriculum's CIFAR-10 network (nn.zoo.tudui)
// training throughput (samples/s). Without an adapter the rows are skipped; on a software adapter (lavapipe) they are
// marked as saying nothing about GPU speed, and the large matmuls are left out to keep the run short.
import {
  adapterName, conv2d, cpuDevice, crossEntropy, deviceRuntime, grad, key, matmul, nn, openDevice, rand, randint, randn, sgd, split, toDevice, trainState, trainStep,
  type Backend, type GpuInfo, type LoaderBatch, type Tensor, type WebGpuBackend,
} from "../../src/index.js";
import type { LayersModel, Tensor as TfTensor, Tensor4D } from "@tensorflow/tfjs";
import type { MeasureOptions } from "../_measure.js";
import type { Runner, Task, Tf, Workload } from "../workload.js";
import { tfjsLenet, tfjsTudui } from "../_tfjsNets.js";

interface Gpu {
  readonly device: WebGpuBackend;
  readonly info: GpuInfo;
  /** tfjs with its webgpu backend started on the same adapter, or why it did not start. */
  readonly tf: Tf | string;
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * tfjs-backend-webgpu looks for `navigator.gpu` when it is imported; Node has no navigator (20) or one without `gpu`
 * (21+), so Dawn's entry point from the `webgpu` package goes there first. rivulet's device then opens through the
 * same `navigator.gpu`, so both run on one Dawn instance and adapter.
 */
const installNavigatorGpu = async (): Promise<void> => {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator?.gpu) return;
  const dawn = await import("webgpu");
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const gpu = dawn.create([]);
  if (g.navigator) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, "navigator", { value: { gpu, userAgent: `Node.js/${process.version}` }, configurable: true, writable: true });
};

const startTfjsWebgpu = async (): Promise<Tf | string> => {
  try {
    const mod = (await import("@tensorflow/tfjs")) as Tf & { default?: Tf };
    const tf = mod.default ?? mod;
    await import("@tensorflow/tfjs-backend-webgpu");
    if (!(await tf.setBackend("webgpu"))) return "tfjs-backend-webgpu did not start";
    await tf.ready();
    return tf;
  } catch (e) {
    return `tfjs-backend-webgpu did not start: ${reasonOf(e)}`;
  }
};

// Opened once, by the first WebGPU row, and kept for the rest of the run (the process ends after the last row).
let opened: Promise<Gpu | string> | undefined;
const openGpu = (): Promise<Gpu | string> =>
  (opened ??= (async () => {
    try {
      await installNavigatorGpu();
      const { device } = await openDevice("webgpu", { allowSoftware: true });
      const gpu = device as WebGpuBackend;
      return { device: gpu, info: gpu.info, tf: await startTfjsWebgpu() };
    } catch (e) {
      return reasonOf(e);
    }
  })());

/** The opened GPU; the rows' `skip` has already run, so a string here cannot happen. */
const theGpu = async (): Promise<Gpu> => {
  const g = await openGpu();
  if (typeof g === "string") throw new Error(g);
  return g;
};

/** tfjs with the webgpu backend selected (other rows switch tfjs to cpu and wasm), or why not. */
const tfjsWebgpu = async (): Promise<Tf | string> => {
  const { tf } = await theGpu();
  if (typeof tf === "string") return tf;
  return (await tf.setBackend("webgpu")) ? tf : "tfjs-backend-webgpu did not start";
};

// On a software adapter: one untimed warm-up, then a single timed run for anything slower than half a second.
const softwareBudget: MeasureOptions = { budgetMs: 600, minReps: 1, maxReps: 5, slowMs: 500, warmMs: 0 };
const hardwareBudget: MeasureOptions = { budgetMs: 2500, minReps: 3, maxReps: 20, slowMs: 4000, warmMs: 500 };

/** The adapter of the opened device (set by the first row's `skip`, which runs before anything else of the row). */
let adapter: GpuInfo | undefined;

/** What every WebGPU row shares: skipped without an adapter (and when `heavy` on a software one), its table title, its budget. */
const gpuRow = (name: string, unit: Workload["unit"], score: (ms: number) => number, heavy = false) => ({
  name: `webgpu-${name}`,
  unit,
  higherIsBetter: unit !== "ms",
  score,
  skip: async (): Promise<string | undefined> => {
    const g = await openGpu();
    if (typeof g === "string") return `no WebGPU adapter (${g})`;
    adapter = g.info;
    return heavy && g.info.software ? `left out on a software adapter (${g.info.description || g.info.device}): too slow, and the figure would say nothing about GPU speed` : undefined;
  },
  group: () =>
    `WebGPU rows, adapter: ${adapterName(adapter!)}` +
    (adapter!.software ? "\n  SOFTWARE ADAPTER (the GPU emulated on the CPU): these figures are NOT meaningful for speed; they show that everything runs" : "") +
    "\n  columns: rivulet = rivulet on WebGPU; rivulet-cpu = rivulet's CPU backend; tfjs-webgpu = @tensorflow/tfjs-backend-webgpu on the same adapter" +
    `\n  training rows: one SGD step with the loss read back, batch ${adapter!.software ? `${lenetNet.softwareBatch} (LeNet) and ${tuduiNet.softwareBatch} (tudui) on this software adapter` : `${lenetNet.batch} (LeNet) and ${tuduiNet.batch} (tudui)`}`,
  budget: () => (adapter?.software ? softwareBudget : hardwareBudget),
});

/** Reads tensors back as a step does: inside a step scope (temporaries released), the copies queued before it closes. */
const readInScope = (device: Backend, f: () => readonly Tensor[]): Promise<unknown> =>
  deviceRuntime(device).step(() => ({ reads: Promise.all(f().map((t) => t.data())) })).reads;

/** A runner for tfjs-backend-webgpu (n/a when it did not start). */
const tfjsRunner = (make: (tf: Tf) => Task): Runner => ({
  name: "tfjs-webgpu",
  task: async () => {
    const tf = await tfjsWebgpu();
    return typeof tf === "string" ? tf : make(tf);
  },
});

const cpuRunner = (make: () => Task): Runner => ({ name: "rivulet-cpu", task: async () => make() });

// ---- matmul -------------------------------------------------------------------------------------

const square = (n: number): Workload => {
  const operands = () => {
    const [ka, kb] = split(key(n));
    return [rand(ka!, [n, n]), rand(kb!, [n, n])] as const;
  };
  return {
    ...gpuRow(`matmul-${n}`, "GFLOP/s", (ms) => (2 * n ** 3) / (ms * 1e6), n >= 1024),
    rivulet: async () => {
      const { device } = await theGpu();
      const [a, b] = operands().map((t) => t.to(device));
      return { run: async () => void (await readInScope(device, () => [matmul(a!, b!)])) };
    },
    compare: [
      cpuRunner(() => {
        const [a, b] = operands();
        return { run: () => void matmul(a, b).dataSync() };
      }),
      tfjsRunner((tf) => {
        const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n]);
        return {
          run: async () => {
            const c = tf.matMul(a, b);
            await c.data();
            c.dispose();
          },
          dispose: () => tf.dispose([a, b]),
        };
      }),
    ],
  };
};

// ---- conv2d: [64, 3, 32, 32] by [32, 3, 5, 5], padding 2 (as bench/workloads/conv2d.ts) ----------------------------

const [N, C, H, W, F, K, PAD] = [64, 3, 32, 32, 32, 5, 2] as const;

const convInputs = () => {
  const [kx, kw, kg] = split(key(7), 3);
  return { x: randn(kx!, [N, C, H, W]), w: randn(kw!, [F, C, K, K]), g: randn(kg!, [N, F, H, W]) };
};

const convGrad = (g: Tensor) => grad((p: { x: Tensor; w: Tensor }) => conv2d(p.x, p.w, { padding: PAD }).mul(g).sum());

const conv2dForward: Workload = {
  ...gpuRow("conv2d-forward", "ms", (ms) => ms),
  rivulet: async () => {
    const { device } = await theGpu();
    const { x, w } = await toDevice(convInputs(), device);
    return { run: async () => void (await readInScope(device, () => [conv2d(x, w, { padding: PAD })])) };
  },
  compare: [
    cpuRunner(() => {
      const { x, w } = convInputs();
      return { run: () => void conv2d(x, w, { padding: PAD }).dataSync() };
    }),
    tfjsRunner((tf) => {
      const x = tf.randomNormal([N, H, W, C]) as Tensor4D, w = tf.randomNormal([K, K, C, F]) as Tensor4D;
      return {
        run: async () => {
          const y = tf.conv2d(x, w, 1, PAD);
          await y.data();
          y.dispose();
        },
        dispose: () => tf.dispose([x, w]),
      };
    }),
  ],
};

const conv2dBackward: Workload = {
  ...gpuRow("conv2d-backward", "ms", (ms) => ms),
  rivulet: async () => {
    const { device } = await theGpu();
    const { x, w, g } = await toDevice(convInputs(), device);
    const step = convGrad(g);
    return { run: async () => void (await readInScope(device, () => { const d = step({ x, w }); return [d.x, d.w]; })) };
  },
  compare: [
    cpuRunner(() => {
      const { x, w, g } = convInputs();
      const step = convGrad(g);
      return { run: () => { const d = step({ x, w }); d.x.dataSync(); d.w.dataSync(); } };
    }),
    tfjsRunner((tf) => {
      const x = tf.randomNormal([N, H, W, C]) as Tensor4D, w = tf.randomNormal([K, K, C, F]) as Tensor4D, g = tf.randomNormal([N, H, W, F]);
      const step = tf.grads((a, b) => tf.sum(tf.mul(tf.conv2d(a as Tensor4D, b as Tensor4D, 1, PAD), g)));
      return {
        run: async () => {
          const [dx, dw] = step([x, w]);
          await Promise.all([dx!.data(), dw!.data()]);
          tf.dispose([dx!, dw!]);
        },
        dispose: () => tf.dispose([x, w, g]),
      };
    }),
  ],
};

// ---- training throughput: one SGD step (forward, cross-entropy, backward, update) and the loss read back -------------

interface Net {
  readonly name: string;
  readonly model: () => nn.Module;
  /** The curriculum's batch size for it. */
  readonly batch: number;
  /** The batch on a software adapter, where the curriculum's would take minutes per row. */
  readonly softwareBatch: number;
  /** One sample's shape, NCHW (rivulet) */
  readonly sample: readonly [number, number, number];
  /** The same network in tfjs layers (NHWC), logits out. */
  readonly tfjs: (tf: Tf) => LayersModel;
}

const lenetNet: Net = {
  name: "lenet",
  model: () => nn.zoo.lenet(),
  batch: 256, // d2l's LeNet chapter
  softwareBatch: 64,
  sample: [1, 28, 28],
  tfjs: tfjsLenet,
};

const tuduiNet: Net = {
  name: "tudui",
  model: () => nn.zoo.tudui(),
  batch: 64, // the notes' CIFAR-10 DataLoader
  softwareBatch: 16,
  sample: [3, 32, 32],
  tfjs: tfjsTudui,
};

const LR = 0.01;


/** rivulet's training step on `device`: the streams' `trainStep` (on WebGPU: step scope, donation, async loss readback). */
const batchOf = (net: Net): number => (adapter?.software ? net.softwareBatch : net.batch);

const rivuletTraining = async (net: Net, device: Backend): Promise<Task> => {
  const model = net.model();
  const n = batchOf(net);
  const optimizer = sgd({ lr: LR });
  const [kx, ky] = split(key(1));
  const batch = await toDevice({ input: randn(kx!, [n, ...net.sample]), target: randint(ky!, 0, 10, [n]) }, device);
  const lb: LoaderBatch<typeof batch> = { epoch: 0, index: 0, batch, samples: n, last: false };
  const step = trainStep({ loss: (p: nn.Params, b: typeof batch) => crossEntropy(model.forward(p, b.input), b.target), optimizer });
  let state = await toDevice(trainState({ params: model.init(key(0)).params, optimizer }), device);
  return { run: async () => void (state = (await step(state, lb)).state) };
};

const training = (net: Net): Workload => ({
  ...gpuRow(`${net.name}-train`, "samples/s", (ms) => (batchOf(net) * 1000) / ms),
  rivulet: async () => rivuletTraining(net, (await theGpu()).device),
  compare: [
    { name: "rivulet-cpu", task: async () => rivuletTraining(net, cpuDevice) },
    tfjsRunner((tf) => {
      const model = net.tfjs(tf);
      model.compile({ optimizer: tf.train.sgd(LR), loss: (yTrue: TfTensor, yPred: TfTensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
      const [c, h, w] = net.sample;
      const n = batchOf(net);
      const x = tf.randomNormal([n, h, w, c]);
      const y = tf.oneHot(tf.randomUniform([n], 0, 10, "int32") as TfTensor, 10);
      return {
        run: async () => void (await model.trainOnBatch(x, y)), // resolves with the loss, read back
        dispose: () => {
          tf.dispose([x, y]);
          model.dispose();
        },
      };
    }),
  ],
});

export const webgpuWorkloads: readonly Workload[] = [
  square(256), square(512), square(1024), square(2048), conv2dForward, conv2dBackward, training(lenetNet), training(tuduiNet),
];
