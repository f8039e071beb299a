// WGSL uniform sampling: Threefry-2x32 (20 rounds) in u32 arithmetic, bit-identical to the CPU kernel for the same key.
import type { Kernel } from "../../ops/backend.js";
import { numel } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { bindings, main1d } from "./_wgsl.js";
import { groupsFor, type GpuContext } from "./_context.js";

const R = [[13, 15, 26, 6], [17, 29, 16, 24]] as const;

// The 5 blocks of 4 rounds, unrolled: rotations alternate R0/R1 and a key word is injected after each block.
const rounds = Array.from({ length: 5 }, (_, block) =>
  R[block % 2]!.map((r) => `  a = a + b; b = ((b << ${r}u) | (b >> ${32 - r}u)) ^ a;`).join("\n") +
  `\n  a = a + ks[${(block + 1) % 3}]; b = b + ks[${(block + 2) % 3}] + ${block + 1}u;`).join("\n");

// P = [n, half, k0, k1]; thread i hashes counters (i, half + i) as JAX lays them out, writing out[i] and out[half + i].
const SOURCE = `
${bindings([], ["f32"])}
fn threefry(k0: u32, k1: u32, x0: u32, x1: u32) -> vec2u {
  let ks = array<u32, 3>(k0, k1, 0x1bd11bdau ^ k0 ^ k1);
  var a = x0 + k0;
  var b = x1 + k1;
${rounds}
  return vec2u(a, b);
}
// The top 23 bits under the exponent of 1.0 give a float in [1, 2); minus 1 is exact.
fn toUnit(bits: u32) -> f32 { return bitcast<f32>((bits >> 9u) | 0x3f800000u) - 1.0; }
${main1d(`  let n = u32(P[0]);
  let half = u32(P[1]);
  if (i >= half) { return; }
  let j = half + i;
  let r = threefry(bitcast<u32>(P[2]), bitcast<u32>(P[3]), i, select(0u, j, j < n));
  O0[i] = toUnit(r.x);
  if (j < n) { O0[j] = toUnit(r.y); }`)}`;

export const uniform = (ctx: GpuContext): Kernel<GpuStorage, "uniform"> => (_inputs, { key, shape }) => {
  const n = numel(shape);
  const o = ctx.alloc(n);
  const half = Math.ceil(n / 2);
  if (n > 0) ctx.launch({ kernel: "uniform", wgsl: SOURCE, inputs: [], outputs: [o.buffer], params: [n, half, key[0], key[1]], workgroups: groupsFor(half) });
  return o;
};
