// Times the three convolution primitives at the CIFAR net's shapes with the direct kernels against Winograd at each
// tile F(m×m, r×r) (alternating in one process, minima), and measures each one's error against float64.
// Usage: node --import tsx bench/winogradConv.ts [--reps=10] [--batch=64] [--only=conv2] [--tiles=2,3,4] [--threads=1]
import { tensor, type Tensor } from "../src/index.js";
import { applyPrim } from "../src/ops/apply.js";
import { setLoadProbe } from "../src/ops/cpu/_gemmPool.js";
import { setWinogradMode, setWinogradTile } from "../src/ops/cpu/_winograd.js";
import { windowCount } from "../src/ops/_shape.js";
import type { ConvParams } from "../src/ops/primitive.js";
import { reference, relError } from "../test/ops/cpu/_convReference.js";

const opt = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const reps = Number(opt("reps") ?? 10);
const batch = Number(opt("batch") ?? 64);
const only = opt("only");
const tiles = (opt("tiles") ?? "2,3,4").split(",").map(Number);
if (opt("threads") === "1") setLoadProbe(() => 1e6); // the kernels' single-thread fallback
else setLoadProbe(() => 0);

type Shape4 = [number, number, number, number];
// [name, x shape, w shape, padding]: nn.zoo.tudui's three convolutions, and 3×3 ones of the same sizes.
const shapes: readonly [string, Shape4, Shape4, number][] = [
  ["tudui conv1 3→32 32²", [batch, 3, 32, 32], [32, 3, 5, 5], 2],
  ["tudui conv2 32→32 16²", [batch, 32, 16, 16], [32, 32, 5, 5], 2],
  ["tudui conv3 32→64 8²", [batch, 32, 8, 8], [64, 32, 5, 5], 2],
  ["conv 8→8 16² 5×5", [batch, 8, 16, 16], [8, 8, 5, 5], 2],
  ["conv 16→16 16² 5×5", [batch, 16, 16, 16], [16, 16, 5, 5], 2],
  ["conv3x3 32→32 16²", [batch, 32, 16, 16], [32, 32, 3, 3], 1],
];

const rand = (shape: readonly number[]): Tensor =>
  tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.random() * 2 - 1), { shape: [...shape] });

const variants = ["direct", ...tiles.map((m) => `F(${m})`)];
const select = (v: string, r: number): void => {
  if (v === "direct") setWinogradMode("off");
  else {
    setWinogradMode("always");
    setWinogradTile(r, Number(v.slice(2, -1)));
  }
};

for (const [name, xs, ws, pad] of shapes.filter(([n]) => only === undefined || n.includes(only))) {
  const p: ConvParams = { stride: [1, 1], dilation: [1, 1], padding: [pad, pad, pad, pad], groups: 1 };
  const r = ws[2], oh = windowCount(xs[2], r, 1, 1, pad, pad), ow = windowCount(xs[3], r, 1, 1, pad, pad);
  const run = (x: Tensor, w: Tensor, g: Tensor) => ({
    conv: () => applyPrim("conv", [x, w], p),
    convInputGrad: () => applyPrim("convInputGrad", [g, w], { ...p, size: [xs[2], xs[3]] }),
    convWeightGrad: () => applyPrim("convWeightGrad", [x, g], { ...p, kernel: [r, r] }),
  });
  // Errors on 4 samples (the float64 reference is slow), relative to the largest output.
  const sx: Shape4 = [4, xs[1], xs[2], xs[3]];
  const ex = rand(sx), ew = rand(ws), eg = rand([4, ws[0], oh, ow]);
  const ref = reference({ x: sx, w: ws, pad: [pad, pad, pad, pad] },  ex.dataSync() as Float32Array, ew.dataSync() as Float32Array, eg.dataSync() as Float32Array);
  const errs = variants.map((v) => {
    select(v, r);
    const f = run(ex, ew, eg);
    return `${v} ${[relError(f.conv(), ref.y), relError(f.convInputGrad(), ref.dx), relError(f.convWeightGrad(), ref.dw)].map((e) => e.toExponential(1)).join("/")}`;
  });
  console.log(`${name} error (conv/inputGrad/weightGrad): ${errs.join(" | ")}`);
  const fs = run(rand(xs), rand(ws), rand([xs[0], ws[0], oh, ow]));
  for (const [prim, _] of Object.entries(fs)) {
    const times = new Map<string, number[]>(), cpu = new Map<string, number[]>();
    for (let i = 0; i < reps + 2; i++)
      for (const v of variants) {
        select(v, r);
        const t = performance.now(), c0 = process.cpuUsage();
        fs[prim as keyof typeof fs]().dataSync();
        const c = process.cpuUsage(c0);
        if (i >= 2) {
          times.set(v, [...(times.get(v) ?? []), performance.now() - t]);
          cpu.set(v, [...(cpu.get(v) ?? []), (c.user + c.system) / 1000]);
        }
      }
    // wall-clock ms and, in brackets, the CPU ms of all threads (on a busy machine the steadier figure)
    console.log(`${name} ${prim}: ${[...times].map(([v, ts]) => `${v} ${Math.min(...ts).toFixed(2)} ms [cpu ${Math.min(...cpu.get(v)!).toFixed(2)}]`).join(" | ")}`);
  }
}
setWinogradMode("auto");
setLoadProbe(null);
