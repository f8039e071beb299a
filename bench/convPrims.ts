// Times the three convolution primitives' CPU kernels in isolation at LeNet's and the CIFAR net's shapes: the
// direct path (the default; it differs from the packed one in the weight gradient with fewer than 8 channels), the
// packed path and the per-sample gemm_block path, on 1 and 2 threads, alternating in one process (minima).
// With --scoped the operands and each call live in CPU step scopes (resident in the arena, as in a training step:
// no staging copies, no fresh result arrays), so the figures are the kernels' own.
// Usage: node --import tsx bench/convPrims.ts [--reps=15] [--batch=256] [--only=lenet] [--scoped]
import { cpuDevice, deviceRuntime, tensor, type Tensor } from "../src/index.js";
import { applyPrim } from "../src/ops/apply.js";
import { setConvKernelPath, type ConvKernelPath } from "../src/ops/cpu/conv.js";
import { setLoadProbe } from "../src/ops/cpu/_gemmPool.js";
import { windowCount } from "../src/ops/_shape.js";
import type { ConvParams } from "../src/ops/primitive.js";

const arg = (name: string, dflt: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt);
const reps = arg("reps", 15);
const batch = arg("batch", 256);

// [name, x shape, w shape, padding]: nn.zoo.lenet's two convolutions and nn.zoo.tudui's three.
const shapes: readonly [string, [number, number, number, number], [number, number, number, number], number][] = [
  ["lenet conv1 1→6 28²", [batch, 1, 28, 28], [6, 1, 5, 5], 2],
  ["lenet conv2 6→16 14²", [batch, 6, 14, 14], [16, 6, 5, 5], 0],
  ["tudui conv1 3→32 32²", [batch / 4, 3, 32, 32], [32, 3, 5, 5], 2],
  ["tudui conv2 32→32 16²", [batch / 4, 32, 16, 16], [32, 32, 5, 5], 2],
  ["tudui conv3 32→64 8²", [batch / 4, 32, 8, 8], [64, 32, 5, 5], 2],
];

const rand = (shape: readonly number[]): Tensor =>
  tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.random() * 2 - 1), { shape: [...shape] });

// The minimum: on a shared machine the other processes only ever add time.
const best = (xs: number[]): number => Math.min(...xs);
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
const scoped = process.argv.includes("--scoped");
const runtime = deviceRuntime(cpuDevice);
/** `f` in a step scope of its own when --scoped (its result released at the scope's end), else plainly. */
const call = (f: () => Tensor): void => {
  if (scoped) runtime.step(() => void f().dataSync());
  else f().dataSync();
};

const bench = ([name, xs, ws, pad]: (typeof shapes)[number]): void => {
  const p: ConvParams = { stride: [1, 1], dilation: [1, 1], padding: [pad, pad, pad, pad], groups: 1 };
  const oh = windowCount(xs[2], ws[2], 1, 1, pad, pad), ow = windowCount(xs[3], ws[3], 1, 1, pad, pad);
  // (an op's result made inside the scope lives in the arena; the random arrays themselves are the caller's)
  const operand = (shape: readonly number[]): Tensor => (scoped ? rand(shape).mul(1) : rand(shape));
  const x = operand(xs), w = operand(ws), g = operand([xs[0], ws[0], oh, ow]);
  const prims = {
    conv: () => applyPrim("conv", [x, w], p),
    convInputGrad: () => applyPrim("convInputGrad", [g, w], { ...p, size: [xs[2], xs[3]] }),
    convWeightGrad: () => applyPrim("convWeightGrad", [x, g], { ...p, kernel: [ws[2], ws[3]] }),
  };
  const gflop = (2 * xs[0] * ws[0] * ws[1] * ws[2] * ws[3] * oh * ow) / 1e9;
  for (const [prim, f] of Object.entries(prims)) {
    const times = new Map<string, number[]>();
    for (let r = 0; r < reps + 2; r++)
      for (const threads of [1, 2])
        for (const kp of ["gemm", "packed", "direct"] as ConvKernelPath[]) {
          setLoadProbe(threads === 1 ? () => 1e6 : () => 0);
          setConvKernelPath(kp);
          const t = performance.now(), c0 = process.cpuUsage();
          call(f);
          const ms = performance.now() - t, c = process.cpuUsage(c0);
          const key = `${threads}t ${kp}`;
          if (r >= 2) {
            times.set(key, [...(times.get(key) ?? []), ms]);
            times.set(`${key} cpu`, [...(times.get(`${key} cpu`) ?? []), (c.user + c.system) / 1000]);
          }
        }
    // wall-clock ms (GFLOP/s) and, in brackets, CPU ms of all threads together
    const row = [...times].filter(([k]) => !k.endsWith("cpu"))
      .map(([k, v]) => `${k} ${best(v).toFixed(2)} ms (${(gflop / best(v) * 1e3).toFixed(1)} GF/s) [cpu ${best(times.get(`${k} cpu`)!).toFixed(2)}]`).join(" | ");
    console.log(`${name} ${prim}: ${row}`);
  }
};

for (const shape of shapes.filter(([n]) => only === undefined || n.includes(only)))
  if (scoped) runtime.step(() => bench(shape)); // the operands resident too
  else bench(shape);
setLoadProbe(null);
