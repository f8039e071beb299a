// Time of one optimizer update (update + applyUpdates) over the gpt-train row's parameters, fused CPU kernel against the ops.
//
// Usage: node --import tsx bench/optimUpdate.ts [--rounds=5] [--reps=20] [--opt=adamw|adam-amsgrad|sgd-momentum|rmsprop-centered|adagrad]
// Each rep runs in a CPU step scope with the previous params and state donated, as a training step does; the fused
// and op-by-op paths alternate round by round so that both see the same machine. Prints the best and median wall and
// CPU milliseconds per update of each, and the primitive calls per update (the ops path's, which the fused one replaces).
import { adagrad, adam, adamw, applyUpdates, cpuDevice, deviceRuntime, gpt, key, randn, rmsprop, sgd, split, type GradientTransformation, type nn, type Prim } from "../src/index.js";
import { treeLeavesWithPaths, treeUnflatten } from "../src/graph/pytree.js";
import { withFusedUpdates } from "../src/ops/fusedUpdates.js";
import { loadavg } from "node:os";

const arg = (name: string, dflt: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const rounds = Number(arg("rounds", "5")), reps = Number(arg("reps", "20"));
const which = arg("opt", "adamw");
const opts: Record<string, () => GradientTransformation<unknown>> = {
  adamw: () => adamw({ lr: 3e-4 }) as GradientTransformation<unknown>,
  "adam-amsgrad": () => adam({ lr: 1e-3, weightDecay: 1e-2, amsgrad: true }) as GradientTransformation<unknown>,
  "sgd-momentum": () => sgd({ lr: 0.1, momentum: 0.9, weightDecay: 5e-4 }) as GradientTransformation<unknown>,
  "rmsprop-centered": () => rmsprop({ lr: 1e-3, momentum: 0.9, centered: true }) as GradientTransformation<unknown>,
  adagrad: () => adagrad({ lr: 1e-2 }) as GradientTransformation<unknown>,
};
const make = opts[which];
if (make === undefined) throw new Error(`optimUpdate: --opt must be one of ${Object.keys(opts).join(", ")}, got ${JSON.stringify(which)}`);

// The gpt-train row's model (2 blocks, d_model 128, vocabulary 1024, context 64) and random gradients of its shapes.
const model = gpt({ vocabSize: 1024, nPositions: 64, nEmbd: 128, nLayer: 2, nHead: 4, embdPdrop: 0, attnPdrop: 0, residPdrop: 0 });
const initial = model.init(key(0)).params;
const leaves = treeLeavesWithPaths(initial);
const keys = split(key(1), leaves.length);
const grads = treeUnflatten(initial, leaves.map((l, i) => randn(keys[i]!, l.tensor.shape).mul(1e-2))) as nn.Params;
const elements = leaves.reduce((s, l) => s + l.tensor.size, 0);

const opt = make();
const runtime = deviceRuntime(cpuDevice);
let params: nn.Params = initial;
let state = opt.init(params);
const update = (): void => {
  const r = runtime.step(() => {
    const { updates, state: next } = opt.update(grads, state, params);
    return { params: applyUpdates(params, updates), state: next };
  }, { donate: { params, state } });
  [params, state] = [r.params, r.state];
};

// Primitive calls per update, counted on the kernel table.
const countCalls = (): number => {
  const kernels = cpuDevice.kernels as unknown as Record<Prim, (...a: unknown[]) => unknown>;
  const saved = { ...kernels };
  let calls = 0;
  for (const prim of Object.keys(saved) as Prim[]) kernels[prim] = (...a: unknown[]) => (calls++, saved[prim](...a));
  try {
    update();
  } finally {
    Object.assign(kernels, saved);
  }
  return calls;
};

const times = { fused: [] as number[][], ops: [] as number[][] };
for (const on of [true, false]) withFusedUpdates(on, () => { for (let i = 0; i < 5; i++) update(); }); // warm-up
for (let r = 0; r < rounds; r++)
  for (const on of r % 2 === 0 ? [true, false] : [false, true])
    withFusedUpdates(on, () => {
      const c0 = process.cpuUsage(), t0 = performance.now();
      for (let i = 0; i < reps; i++) update();
      const wall = (performance.now() - t0) / reps, c = process.cpuUsage(c0);
      times[on ? "fused" : "ops"].push([wall, (c.user + c.system) / 1000 / reps]);
    });
const stat = (xs: number[][], k: number): string => {
  const s = xs.map((x) => x[k]!).sort((a, b) => a - b);
  return `best ${s[0]!.toFixed(2)} median ${s[Math.floor(s.length / 2)]!.toFixed(2)}`;
};
console.log(`${which} update of the gpt-train params (${leaves.length} tensors, ${elements} elements), load ${loadavg()[0]!.toFixed(2)}:`);
for (const k of ["fused", "ops"] as const)
  console.log(`  ${k.padEnd(5)} wall ms ${stat(times[k], 0)}; cpu ms ${stat(times[k], 1)}; ${withFusedUpdates(k === "fused", countCalls)} primitive calls`);
