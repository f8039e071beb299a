// Profiles one training step on the CPU: samples/s and the time per primitive. Models: LeNet (default; batch 256, sigmoid +
// avg-pool, cross-entropy, SGD), the mlp-train row's MLP (784-256-10, ReLU), the cifar-train row's CIFAR-10 network (tudui:
// three conv + 2×2 max-pool stages, default batch 64), the gpt-train row's GPT (its batch is fixed: 16 × 64 tokens).
// Usage: node --import tsx bench/lenetStep.ts [--steps=20] [--batch=256] [--model=lenet|mlp|tudui|gpt]   (add --cpu-prof before
// --import for a V8 profile; PROFILE_SHAPES=1 splits binary ops by operand shapes)
import { cpuDevice, nn, type Prim } from "../src/index.js";
import { lenetStep } from "./workloads/lenet.js";
import { modelStep } from "./_rivuletStep.js";
import { gptTrainStep } from "./workloads/gpt.js";

const arg = (name: string, dflt: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt);
const steps = arg("steps", 20);
const model = process.argv.find((a) => a.startsWith("--model="))?.slice(8) ?? "lenet";
if (model !== "lenet" && model !== "mlp" && model !== "tudui" && model !== "gpt") throw new Error(`lenetStep: --model must be lenet, mlp, tudui or gpt, got ${JSON.stringify(model)}`);
const batch = arg("batch", model === "tudui" ? 64 : 256);

// Wrap each CPU kernel with a timer (a profiling run only: the kernel table is otherwise never touched).
const spent = new Map<string, { ms: number; cpuMs: number; calls: number }>();
const kernels = cpuDevice.kernels as unknown as Record<Prim, (...a: unknown[]) => unknown>;
for (const prim of Object.keys(kernels) as Prim[]) {
  const k = kernels[prim];
  kernels[prim] = (...a: unknown[]) => {
    // Wall time brackets the kernel alone: each process.cpuUsage() is a system call of ~3 µs, which made a free kernel
    // (reshape shares its input's storage) look like ~6 µs a call. The CPU column still includes about one of them.
    const c0 = process.cpuUsage();
    const t = performance.now();
    const r = k(...a);
    const wall = performance.now() - t;
    const c = process.cpuUsage(c0);
    const p = a[1] as { op?: string };
    const shapes = (a[0] as readonly { shape: readonly number[] }[]).map((b) => `[${b.shape.join(",")}]`).join("×");
    const name = (process.env["PROFILE_SHAPES"] && prim === "binary") || prim === "matmul" || prim === "unfold" || prim === "fold" || prim === "reduce" ? `${prim} ${JSON.stringify(p)} ${shapes}` : p && typeof p.op === "string" ? `${prim}:${p.op}` : prim;
    const e = spent.get(name) ?? { ms: 0, cpuMs: 0, calls: 0 };
    e.ms += wall;
    e.cpuMs += (c.user + c.system) / 1000;
    e.calls++;
    spent.set(name, e);
    return r;
  };
}

// The same step closures as the bench rows (mlp-train uses lr 0.1, cifar-train 0.01).
const run = model === "gpt" ? gptTrainStep() : model === "mlp" ? modelStep(nn.zoo.mlp(), [784], batch, 0.1) : model === "tudui" ? modelStep(nn.zoo.tudui(), [3, 32, 32], batch, 0.01) : lenetStep(batch);
for (let i = 0; i < 3; i++) run(); // warm-up: JIT and the GEMM worker pool
spent.clear();
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < steps; i++) run();
const ms = (performance.now() - t0) / steps;
const c1 = process.cpuUsage(c0);
const cpuMs = (c1.user + c1.system) / 1000 / steps;
const kernelMs = [...spent.values()].reduce((s, e) => s + e.ms, 0) / steps;
const kernelCpu = [...spent.values()].reduce((s, e) => s + e.cpuMs, 0) / steps;
// CPU time (all threads) is the steadier figure on a shared, loaded machine; wall time is what a user sees.
// The GPT step's batch is 16 sequences of 64 tokens: its rate is in tokens/s, as the gpt-train row's.
const [items, unit] = model === "gpt" ? [16 * 64, "tokens"] : [batch, "samples"];
console.log(`${model} step, ${items} ${unit}: wall ${ms.toFixed(1)} ms/step = ${((items * 1000) / ms).toFixed(0)} ${unit}/s; cpu ${cpuMs.toFixed(1)} ms/step; kernels wall ${kernelMs.toFixed(1)} ms, cpu ${kernelCpu.toFixed(1)} ms`);
for (const [name, e] of [...spent.entries()].sort((a, b) => b[1].cpuMs - a[1].cpuMs))
  console.log(`  ${name.padEnd(60)} ${(e.ms / steps).toFixed(2).padStart(8)} ms  cpu ${(e.cpuMs / steps).toFixed(2).padStart(8)} ms ${(e.calls / steps).toFixed(0).padStart(4)} calls`);
