// Profiles one training step on the CPU: samples/s, the time per primitive, and the time outside the kernels per op. Models:
// LeNet (default; batch 256, sigmoid + avg-pool, cross-entropy, SGD), the mlp-train row's MLP (784-256-10, ReLU), the
// cifar-train row's CIFAR-10 network (tudui: three conv + 2×2 max-pool stages, default batch 64), the gpt-train row's GPT
// (its batch is fixed: 16 × 64 tokens).
// Usage: node --import tsx bench/lenetStep.ts [--steps=20] [--batch=256] [--model=lenet|mlp|tudui|gpt] [--rounds=2]
//   --js-profile[=30]   also profile the JavaScript of the plain steps (V8's sampling profiler through node:inspector) and
//                       list the functions with the most self time outside WebAssembly and the GEMM pool's waits
//   PROFILE_SHAPES=1    split binary ops by operand shapes;  PROFILE_CPU=1  also sum each kernel's CPU time (all threads)
import { Session } from "node:inspector";
import { cpuDevice, nn, type Prim } from "../src/index.js";
import { lenetStep } from "./workloads/lenet.js";
import { modelStep } from "./_rivuletStep.js";
import { gptTrainStep } from "./workloads/gpt.js";

const flag = (name: string): string | undefined => {
  const a = process.argv.find((s) => s === `--${name}` || s.startsWith(`--${name}=`));
  return a === undefined ? undefined : a.slice(name.length + 3);
};
const arg = (name: string, dflt: number): number => {
  const v = flag(name);
  const n = v === undefined || v === "" ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`lenetStep: --${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const steps = arg("steps", 20);
const rounds = arg("rounds", 2);
const jsProfile = flag("js-profile") === undefined ? 0 : arg("js-profile", 30);
const model = flag("model") ?? "lenet";
if (model !== "lenet" && model !== "mlp" && model !== "tudui" && model !== "gpt") throw new Error(`lenetStep: --model must be lenet, mlp, tudui or gpt, got ${JSON.stringify(model)}`);
const batch = arg("batch", model === "tudui" ? 64 : 256);
const withCpu = process.env["PROFILE_CPU"] === "1";
const byShapes = process.env["PROFILE_SHAPES"] === "1";

// Wrap each CPU kernel with a timer that is on only while `timing` is set (a profiling run only: the kernel table is
// otherwise never touched). The plain steps run through the same wrappers switched off (one boolean test a call), so
// wall(plain) − kernels(timed) is the time outside the kernels. The timer itself is two performance.now() calls and a
// Map update per kernel (~0.2 µs); its name is built only for the primitives split by parameters.
let timing = false;
const spent = new Map<string, { ms: number; cpuMs: number; calls: number }>();
const kernels = cpuDevice.kernels as unknown as Record<Prim, (...a: unknown[]) => unknown>;
const nameOf = (prim: Prim, a: readonly unknown[]): string => {
  const p = a[1] as { op?: string };
  const split = (byShapes && prim === "binary") || prim === "matmul" || prim === "unfold" || prim === "fold" || prim === "reduce";
  if (!split) return p && typeof p.op === "string" ? `${prim}:${p.op}` : prim;
  const shapes = (a[0] as readonly { shape: readonly number[] }[]).map((b) => `[${b.shape.join(",")}]`).join("×");
  return `${prim} ${JSON.stringify(p)} ${shapes}`;
};
for (const prim of Object.keys(kernels) as Prim[]) {
  const k = kernels[prim];
  kernels[prim] = (...a: unknown[]) => {
    if (!timing) return k(...a);
    // Wall time brackets the kernel alone; process.cpuUsage() (a ~3 µs system call) only when PROFILE_CPU asks.
    const c0 = withCpu ? process.cpuUsage() : undefined;
    const t = performance.now();
    const r = k(...a);
    const wall = performance.now() - t;
    const name = nameOf(prim, a);
    let e = spent.get(name);
    if (e === undefined) spent.set(name, (e = { ms: 0, cpuMs: 0, calls: 0 }));
    e.ms += wall;
    if (c0 !== undefined) {
      const c = process.cpuUsage(c0);
      e.cpuMs += (c.user + c.system) / 1000;
    }
    e.calls++;
    return r;
  };
}

// The same step closures as the bench rows (mlp-train uses lr 0.1, cifar-train 0.01).
const run = model === "gpt" ? gptTrainStep() : model === "mlp" ? modelStep(nn.zoo.mlp(), [784], batch, 0.1) : model === "tudui" ? modelStep(nn.zoo.tudui(), [3, 32, 32], batch, 0.01) : lenetStep(batch);
for (let i = 0; i < 3; i++) run(); // warm-up: JIT and the GEMM worker pool

/** Runs `steps` steps; answers wall and CPU (all threads) milliseconds per step. */
const timeSteps = (): { ms: number; cpuMs: number } => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) run();
  const ms = (performance.now() - t0) / steps;
  const c1 = process.cpuUsage(c0);
  return { ms, cpuMs: (c1.user + c1.system) / 1000 / steps };
};

// Plain and timed steps alternate (rounds of each), so that both see the same load on a shared machine.
let plain = { ms: 0, cpuMs: 0 }, timed = { ms: 0, cpuMs: 0 };
for (let r = 0; r < rounds; r++) {
  const p = timeSteps();
  timing = true;
  const t = timeSteps();
  timing = false;
  plain = { ms: plain.ms + p.ms / rounds, cpuMs: plain.cpuMs + p.cpuMs / rounds };
  timed = { ms: timed.ms + t.ms / rounds, cpuMs: timed.cpuMs + t.cpuMs / rounds };
}
const n = steps * rounds;
const kernelMs = [...spent.values()].reduce((s, e) => s + e.ms, 0) / n;
const kernelCpu = [...spent.values()].reduce((s, e) => s + e.cpuMs, 0) / n;
const ops = [...spent.values()].reduce((s, e) => s + e.calls, 0) / n;
// The GPT step's batch is 16 sequences of 64 tokens: its rate is in tokens/s, as the gpt-train row's.
const [items, unit] = model === "gpt" ? [16 * 64, "tokens"] : [batch, "samples"];
console.log(`${model} step, ${items} ${unit}: wall ${plain.ms.toFixed(1)} ms/step = ${((items * 1000) / plain.ms).toFixed(0)} ${unit}/s; cpu ${plain.cpuMs.toFixed(1)} ms/step (all threads)`);
console.log(`  kernels ${kernelMs.toFixed(1)} ms/step over ${ops.toFixed(0)} kernel calls${withCpu ? `, cpu ${kernelCpu.toFixed(1)} ms` : ""}; outside them ${(plain.ms - kernelMs).toFixed(1)} ms = ${((1000 * (plain.ms - kernelMs)) / ops).toFixed(1)} µs/op`);
console.log(`  (timed steps: wall ${timed.ms.toFixed(1)} ms/step, so the timer itself costs ${((1000 * (timed.ms - plain.ms)) / ops).toFixed(1)} µs/op)`);
for (const [name, e] of [...spent.entries()].sort((a, b) => b[1].ms - a[1].ms))
  console.log(`  ${name.padEnd(60)} ${(e.ms / n).toFixed(2).padStart(8)} ms${withCpu ? `  cpu ${(e.cpuMs / n).toFixed(2).padStart(8)} ms` : ""} ${(e.calls / n).toFixed(0).padStart(5)} calls`);

if (jsProfile > 0) {
  // V8's sampling profiler over plain steps: self time by function, WebAssembly and waits on the GEMM workers apart.
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object): T => {
    let out: T | undefined, err: Error | null = null;
    session.post(method, params ?? {}, (e, r) => ((err = e), (out = r as T)));
    if (err) throw err;
    return out!;
  };
  interface Frame { functionName: string; url: string; lineNumber: number }
  interface Profile { nodes: { id: number; callFrame: Frame }[]; samples: number[]; timeDeltas: number[] }
  post("Profiler.enable");
  post("Profiler.setSamplingInterval", { interval: 100 });
  post("Profiler.start");
  timeSteps();
  const { profile } = post<{ profile: Profile }>("Profiler.stop");
  session.disconnect();
  const frames = new Map(profile.nodes.map((nd) => [nd.id, nd.callFrame]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const f = frames.get(id)!, us = profile.timeDeltas[i] ?? 0;
    total += us;
    const key = f.url.startsWith("wasm") ? "(WebAssembly kernels)" : f.url.endsWith("_gemmPool.ts") ? "(GEMM pool: jobs and waits)" : `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
  });
  console.log(`\nmain thread, ${steps} plain steps: ${(total / 1000 / steps).toFixed(1)} ms/step sampled; self time per step:`);
  for (const [k, us] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, jsProfile))
    console.log(`  ${(us / 1000 / steps).toFixed(2).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
}
