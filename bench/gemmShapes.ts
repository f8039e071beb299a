// GEMM throughput of the CPU backend on the shapes training uses (MLP, GPT, attention), on one thread and on all.
//
// Usage: node --import tsx bench/gemmShapes.ts [--rounds=5] [--reps=10] [--only=attn]
// Each product runs as the matmul kernel runs it (operands copied into the WebAssembly arena and the result out, in a
// CPU step scope as in training), alternately on the calling thread alone and on every thread whatever the load
// (so the rows of one run see the same machine), and prints the best and the median GFLOP/s of each.
import { gemmWasm } from "../src/ops/cpu/matmul.js";
import { setLoadProbe } from "../src/ops/cpu/_gemmPool.js";
import { beginCpuScope, endCpuScope } from "../src/ops/cpu/_storagePool.js";
import { loadavg } from "node:os";

interface Shape {
  readonly name: string;
  /** A's and B's batch sizes (1 broadcasts). */
  readonly ba: number;
  readonly bb: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

const shape = (name: string, ba: number, bb: number, m: number, k: number, n: number, transA = false, transB = false): Shape =>
  ({ name, ba, bb, m, k, n, transA, transB });

const shapes: readonly Shape[] = [
  shape("matmul-256", 1, 1, 256, 256, 256),
  shape("mlp fwd [256,784]·[256,784]ᵀ", 1, 1, 256, 784, 256, false, true),
  shape("mlp dW [256,256]ᵀ·[256,784]", 1, 1, 256, 256, 784, true, false),
  shape("mlp [256,256]·[10,256]ᵀ", 1, 1, 256, 256, 10, false, true),
  shape("gpt [1024,128]·[128,512]", 1, 1, 1024, 128, 512),
  shape("gpt [1024,512]·[512,128]", 1, 1, 1024, 512, 128),
  shape("gpt [1024,512]·[128,512]ᵀ", 1, 1, 1024, 512, 128, false, true),
  shape("gpt [1024,128]ᵀ·[1024,512]", 1, 1, 128, 1024, 512, true, false),
  shape("attn 64×[64,64]·[64,32]", 64, 64, 64, 64, 32),
  shape("attn 64×[64,32]·[32,64]", 64, 64, 64, 32, 64),
  shape("attn 64×[64,32]·[64,32]ᵀ", 64, 64, 64, 32, 64, false, true),
  shape("attn 64×[64,64]ᵀ·[64,32]", 64, 64, 64, 64, 32, true, false),
];

const arg = (name: string): string | undefined => process.argv.find((s) => s.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(arg("rounds") ?? 5), reps = Number(arg("reps") ?? 10), only = arg("only");

const rand = (len: number): Float32Array => Float32Array.from({ length: len }, () => Math.random() - 0.5);
const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;

setLoadProbe(() => 0); // threads on "all" even on a loaded machine
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" ")}; GFLOP/s, best and median of ${rounds * reps} calls`);
for (const s of shapes) {
  if (only !== undefined && !s.name.includes(only)) continue;
  const batch = Math.max(s.ba, s.bb);
  const A = rand(s.ba * s.m * s.k), B = rand(s.bb * s.k * s.n);
  const flop = 2 * batch * s.m * s.k * s.n;
  const ms: Record<"one" | "all", number[]> = { one: [], all: [] };
  for (let r = 0; r < rounds; r++)
    for (const mode of ["one", "all"] as const) {
      const run = (): void => {
        const scope = beginCpuScope();
        gemmWasm(A, s.ba, s.transA, B, s.bb, s.transB, batch, s.m, s.k, s.n, mode === "all");
        endCpuScope(scope, new Set());
      };
      for (let w = 0; w < 3; w++) run();
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        run();
        ms[mode].push(performance.now() - t);
      }
    }
  const g = (t: number): string => (flop / t / 1e6).toFixed(1).padStart(6);
  console.log(`${s.name.padEnd(30)} one thread ${g(quantile(ms.one, 0))} ${g(quantile(ms.one, 0.5))}   all ${g(quantile(ms.all, 0))} ${g(quantile(ms.all, 0.5))}`);
}
setLoadProbe(null);
