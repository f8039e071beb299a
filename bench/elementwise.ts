// ns per element of the CPU elementwise kernels: the TypeScript reference against the WebAssembly SIMD kernel on one
// thread and on the worker pool, in one run (the thresholds in src/ops/cpu/_wasmElementwise.ts are read off this table).
// Usage: RIVULET_CPU_THREADS=2 node --import tsx bench/elementwise.ts [--sizes=4096,65536,524288] [--ops=add,tanh]
import { binaryReference, unaryReference, whereReference } from "../src/ops/cpu/elementwise.js";
import { setElementwiseThresholds, wasmBinary, wasmUnary, wasmWhere } from "../src/ops/cpu/_wasmElementwise.js";
import type { BinaryOp, UnaryOp } from "../src/ops/primitive.js";

const list = (name: string, dflt: string): string[] =>
  (process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt).split(",");
const sizes = list("sizes", "256,1024,2048,4096,16384,65536,131072,524288,1048576").map(Number);

type Case = { readonly name: string; readonly ref: (n: number) => () => unknown; readonly simd: (n: number) => () => unknown };
const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const f32 = (data: Float32Array, shape: number[]) => ({ data, shape, dtype: "float32" as const });
const out = (shape: number[]) => ({ shape, dtype: "float32" as const });

const binaryCase = (op: BinaryOp, row = false): Case => {
  const make = (n: number) => {
    // row: [n/64, 64] op [64] (a bias or a mask row), else two [n] operands
    const sb = row ? [64] : [n];
    return { a: f32(rand(n), row ? [n / 64, 64] : [n]), b: f32(rand(row ? 64 : n), sb), o: out(row ? [n / 64, 64] : [n]) };
  };
  return {
    name: row ? `${op} [n/64,64]·[64]` : op,
    ref: (n) => { const { a, b, o } = make(n); return () => binaryReference([a, b], { op }, o); },
    simd: (n) => { const { a, b, o } = make(n); return () => wasmBinary(a, b, op, o); },
  };
};
const unaryCase = (op: UnaryOp): Case => ({
  name: op,
  ref: (n) => { const x = f32(rand(n), [n]); return () => unaryReference([x], { op }, out([n])); },
  simd: (n) => { const x = f32(rand(n), [n]); return () => wasmUnary(x, op, out([n])); },
});
const whereCase: Case = {
  name: "where [n/64,64] mask, scalar",
  ref: (n) => {
    const c = { data: Uint8Array.from({ length: 64 }, (_, i) => i & 1), shape: [64], dtype: "bool" as const };
    const a = f32(rand(n), [n / 64, 64]), b = f32(new Float32Array([-Infinity]), []);
    return () => whereReference([c, a, b], {}, out([n / 64, 64]));
  },
  simd: (n) => {
    const c = { data: Uint8Array.from({ length: 64 }, (_, i) => i & 1), shape: [64], dtype: "bool" as const };
    const a = f32(rand(n), [n / 64, 64]), b = f32(new Float32Array([-Infinity]), []);
    return () => wasmWhere(c, a, b, out([n / 64, 64]));
  },
};

const cases: Case[] = [
  binaryCase("add"), binaryCase("mul", true), binaryCase("div"), binaryCase("maximum"), binaryCase("tanhGrad"), binaryCase("reluGrad"),
  whereCase, unaryCase("tanh"), unaryCase("exp"), unaryCase("neg"), unaryCase("sqrt"),
];
const only = list("ops", "");
const chosen = cases.filter((c) => only[0] === "" || only.includes(c.name.split(" ")[0]!));

/** Best of 5 runs of at least 10 ms each, in ns per element. */
const nsPerEl = (f: () => unknown, n: number): number => {
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) f();
    if (performance.now() - t > 10) break;
    reps *= 2;
  }
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) f();
    best = Math.min(best, ((performance.now() - t) * 1e6) / reps / n);
  }
  return best;
};

console.log(`load ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")}; ns/el: reference | SIMD 1 thread | SIMD on the pool`);
console.log(["op".padEnd(28), ...sizes.map((s) => String(s).padStart(20))].join(""));
for (const c of chosen) {
  const cells = sizes.map((n) => {
    setElementwiseThresholds({ min: 0, parallel: Infinity });
    const r = nsPerEl(c.ref(n), n), s1 = nsPerEl(c.simd(n), n);
    setElementwiseThresholds({ min: 0, parallel: 0 });
    const sp = nsPerEl(c.simd(n), n);
    return `${r.toFixed(2)}|${s1.toFixed(2)}|${sp.toFixed(2)}`.padStart(20);
  });
  console.log([c.name.padEnd(28), ...cells].join(""));
}
setElementwiseThresholds();
