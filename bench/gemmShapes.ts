// GEMM throughput of the CPU backend on the shapes training uses (MLP, GPT, attention), on one thread and on all.
//
// Usage: node --import tsx bench/gemmShapes.ts [--rounds=5] [--reps=10] [--only=attn] [--resident] [--modes=one,all,grid]
// Each product runs as the matmul kernel runs it, in a CPU step scope as in training: by default with operands copied
// into the WebAssembly arena and the result out; with --resident, operands that live in the arena (as a training step's
// do) and the result left there. Modes, run alternately (so the columns of one run see the same machine) whatever the
// load: `one` the calling thread alone, `all` every thread, `grid` every thread with the threaded product cut into a
// grid of blocks that each pack their operands (the split used before op(B) was packed once for all threads). Prints
// the best and the median GFLOP/s of each.
import { gemmWasm } from "../src/ops/cpu/matmul.js";
import { setGemmSplit, setLoadProbe } from "../src/ops/cpu/_gemmPool.js";
import { allocStorage, beginCpuScope, endCpuScope } from "../src/ops/cpu/_storagePool.js";
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
const resident = process.argv.includes("--resident");
type Mode = "one" | "all" | "grid";
const modes = (arg("modes") ?? "one,all").split(",") as Mode[];
for (const m of modes) if (m !== "one" && m !== "all" && m !== "grid") throw new Error(`gemmShapes: --modes takes one, all and grid, got ${JSON.stringify(m)}`);

const quantile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)]!;

setLoadProbe(() => 0); // threads on "all" even on a loaded machine
// With --resident the operands are allocated inside this outer scope, so they live in the arena like a step's tensors.
const outer = beginCpuScope();
const rand = (len: number): Float32Array => {
  const a = (resident ? allocStorage("float32", len, false) : new Float32Array(len)) as Float32Array;
  for (let i = 0; i < len; i++) a[i] = Math.random() - 0.5;
  return a;
};
console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(" ")}; operands ${resident ? "resident in the arena" : "copied in"}; GFLOP/s, best and median of ${rounds * reps} calls`);
for (const s of shapes) {
  if (only !== undefined && !s.name.includes(only)) continue;
  const batch = Math.max(s.ba, s.bb);
  const A = rand(s.ba * s.m * s.k), B = rand(s.bb * s.k * s.n);
  const flop = 2 * batch * s.m * s.k * s.n;
  const ms = new Map<Mode, number[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++)
    for (const mode of modes) {
      const run = (): void => {
        const scope = beginCpuScope();
        const was = setGemmSplit(mode === "grid" ? "grid" : "shared");
        gemmWasm(A, s.ba, s.transA, B, s.bb, s.transB, batch, s.m, s.k, s.n, mode !== "one");
        setGemmSplit(was);
        endCpuScope(scope, new Set());
      };
      for (let w = 0; w < 3; w++) run();
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        run();
        ms.get(mode)!.push(performance.now() - t);
      }
    }
  const g = (t: number): string => (flop / t / 1e6).toFixed(1).padStart(6);
  console.log(`${s.name.padEnd(30)} ${modes.map((m) => `${m === "one" ? "one thread" : m} ${g(quantile(ms.get(m)!, 0))} ${g(quantile(ms.get(m)!, 0.5))}`).join("   ")}`);
}
endCpuScope(outer, new Set());
setLoadProbe(null);
