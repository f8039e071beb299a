// WGSL shared by the kernel families: binding declarations, the global thread index, and float helpers that keep IEEE semantics explicit.
import type { DType } from "../../ops/dtype.js";

/** Element type a dtype is stored as on the GPU: bool is a 0/1 i32 (4 bytes, so every kernel indexes words). */
export const wgslType = (d: DType): "f32" | "i32" => (d === "float32" ? "f32" : "i32");

/** Binding 0 is the parameter block P; then inputs I0..Ik (read) and outputs O0.. (read_write), in that order. */
export const bindings = (inputs: readonly string[], outputs: readonly string[]): string =>
  [
    "@group(0) @binding(0) var<storage, read> P: array<i32>;",
    ...inputs.map((t, k) => `@group(0) @binding(${k + 1}) var<storage, read> I${k}: array<${t}>;`),
    ...outputs.map((t, k) => `@group(0) @binding(${inputs.length + k + 1}) var<storage, read_write> O${k}: array<${t}>;`),
  ].join("\n");

/** A 256-thread entry point whose global index `i` spans a 2-D grid of workgroups (for more than 65535 of them). */
export const main1d = (body: string, entry = "main"): string => `
@compute @workgroup_size(256)
fn ${entry}(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid;
${body}
}`;

// NaN and infinities are tested and built from bits: WGSL lets compilers assume they never occur in arithmetic,
// and rejects them as constants, so they come from private variables rather than literals.
export const F32_HELPERS = `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf() -> f32 { return bitcast<f32>(INF_BITS); }
// Nonzero or NaN is true (as in PyTorch); the NaN test is explicit because x != 0.0 may be compiled as ordered.
fn truthy(x: f32) -> bool { return x != 0.0 || is_nan(x); }
`;

/**
 * Decodes flat index `i` of a row-major shape stored at P[shapeAt..shapeAt+nd) into an offset with the strides at
 * P[strideAt..). Emitted as a WGSL function named `name`.
 */
export const stridedOffset = (name: string): string => `
fn ${name}(i: u32, nd: u32, shapeAt: u32, strideAt: u32, base: i32) -> u32 {
  var rem = i;
  var off = base;
  for (var d = i32(nd) - 1; d >= 0; d--) {
    let n = u32(P[shapeAt + u32(d)]);
    let c = rem % n;
    rem = rem / n;
    off += i32(c) * P[strideAt + u32(d)];
  }
  return u32(off);
}`;
