// WGSL kernels for unary, binary (broadcasting through strides), where and cast; numerics follow the CPU reference kernels.
import type { Buf, Kernel, OutSpec } from "../../ops/backend.js";
import type { DType } from "../../ops/dtype.js";
import type { BinaryOp, UnaryOp } from "../../ops/primitive.js";
import { broadcastStrides, collapse, numel, stridesOf } from "../../ops/_shape.js";
import type { GpuStorage } from "../GpuStorage.js";
import { F32_HELPERS, bindings, main1d, stridedOffset, wgslType } from "./_wgsl.js";
import { groupsFor, type GpuContext } from "./_context.js";

type B = Buf<GpuStorage>;

// erf, log1p and expm1 are not WGSL builtins; erf is the CPU kernel's Chebyshev formula in f32.
const F32_MATH = `${F32_HELPERS}
fn erf_(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
// Kahan's tricks: exact where 1 + x rounds to 1, and relative accuracy elsewhere.
fn log1p_(x: f32) -> f32 { let u = 1.0 + x; if (u == 1.0) { return x; } if (is_nan(u) || u == inf()) { return log(u); } return log(u) * x / (u - 1.0); }
fn expm1_(x: f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0 || is_nan(u) || u == inf()) { return um1; }
  return um1 * x / log(u);
}
// Math.pow's cases that WGSL's pow (exp2(b·log2 a)) leaves undefined: negative bases, zero, integer exponents.
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5 && a >= 0.0) { return sqrt(a); }
  if (a == 0.0) { return select(0.0, inf(), b < 0.0); }
  let m = pow(abs(a), b);
  if (a > 0.0) { return m; }
  if (floor(b) != b) { return nan(); }
  let odd = abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  return select(m, -m, odd);
}
fn rem_(a: f32, b: f32) -> f32 {
  if (b == 0.0 || is_nan(a) || is_nan(b) || abs(a) == inf()) { return nan(); }
  if (abs(b) == inf()) { return select(a, b, a != 0.0 && (a < 0.0) != (b < 0.0)); }
  let r = a - b * trunc(a / b);
  return select(r, r + b, r != 0.0 && (r < 0.0) != (b < 0.0));
}
// tanh(±9) is ±1 in f32; clamping keeps exp-based implementations away from inf/inf.
fn tanh_(x: f32) -> f32 { if (is_nan(x)) { return x; } return tanh(clamp(x, -9.0, 9.0)); }
// The fused activations' gradients (see the CPU's _scalar.ts): g·(Φ(x) + x·φ(x)) and g·s·(1 + x·(1 − s)).
fn geluGrad_(x: f32, g: f32) -> f32 { return g * (0.5 * (1.0 + erf_(x * 0.70710678118654752)) + x * exp(-0.5 * x * x) * 0.39894228040143268); }
fn siluGrad_(x: f32, g: f32) -> f32 { let s = 1.0 / (1.0 + exp(-x)); return g * s * (1.0 + x * (1.0 - s)); }
// GELU's tanh approximation as x·sigmoid(2u), 2u = x·(2√(2/π) + 2√(2/π)·0.044715·x²), and its gradient (see _scalar.ts).
fn geluTanh_(x: f32) -> f32 { return x / (1.0 + exp(-x * (1.5957691216057308 + 0.07135481627260025 * x * x))); }
fn geluTanhGrad_(x: f32, g: f32) -> f32 {
  let x2 = x * x;
  let s = 1.0 / (1.0 + exp(-x * (1.5957691216057308 + 0.07135481627260025 * x2)));
  // Saturated (s is 0 or 1 in f32, so is h): the polynomial below could overflow and make 0·inf; ±inf stays NaN as on the CPU.
  if ((s == 0.0 || s == 1.0) && abs(x) != inf()) { return g * s; }
  return g * s * (1.0 + x * (1.0 - s) * (1.5957691216057308 + 0.21406444881780076 * x2));
}
fn max_(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan(); } return max(a, b); }
fn min_(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan(); } return min(a, b); }
`;

const I32_MATH = `
fn ipow_(a: i32, b: i32) -> i32 {
  if (b < 0) { if (a == 1) { return 1; } if (a == -1) { return select(1, -1, (b & 1) == 1); } return 0; }
  var r = 1; var base = a; var e = b;
  loop { if (e == 0) { break; } if ((e & 1) == 1) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}
fn irem_(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && (r < 0) != (b < 0));
}
`;

// Truth tests use != 0 so that NaN counts as true (as in PyTorch and the CPU kernels).
const unaryF32: Record<UnaryOp, string> = {
  neg: "-x", abs: "abs(x)", sign: "select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)", exp: "exp(x)", log: "log(x)",
  log1p: "log1p_(x)", expm1: "expm1_(x)", sqrt: "sqrt(x)", rsqrt: "1.0 / sqrt(x)", sin: "sin(x)", cos: "cos(x)",
  tanh: "tanh_(x)", sigmoid: "1.0 / (1.0 + exp(-x))", erf: "erf_(x)", relu: "select(x, 0.0, x <= 0.0)",
  floor: "floor(x)", ceil: "ceil(x)", round: "round(x)", logicalNot: "select(1, 0, truthy(x))",
  gelu: "0.5 * x * (1.0 + erf_(x * 0.70710678118654752))", silu: "x / (1.0 + exp(-x))",
  geluTanh: "geluTanh_(x)",
};

const unaryI32: Partial<Record<UnaryOp, string>> = {
  neg: "-x", abs: "abs(x)", sign: "sign(x)", relu: "max(x, 0)", floor: "x", ceil: "x", round: "x",
  logicalNot: "select(0, 1, x == 0)",
};

const binaryF32: Record<BinaryOp, string> = {
  add: "a + b", sub: "a - b", mul: "a * b", div: "a / b", pow: "pow_(a, b)", maximum: "max_(a, b)", minimum: "min_(a, b)",
  mod: "rem_(a, b)", atan2: "atan2(a, b)",
  eq: "select(0, 1, a == b)", ne: "select(0, 1, a != b)", lt: "select(0, 1, a < b)", le: "select(0, 1, a <= b)",
  gt: "select(0, 1, a > b)", ge: "select(0, 1, a >= b)",
  logicalAnd: "select(0, 1, truthy(a) && truthy(b))", logicalOr: "select(0, 1, truthy(a) || truthy(b))",
  sigmoidGrad: "b * (1.0 - a) * a", tanhGrad: "b * (1.0 - a * a)", reluGrad: "select(0.0, b, a > 0.0)",
  geluGrad: "geluGrad_(a, b)", siluGrad: "siluGrad_(a, b)",
  geluTanhGrad: "geluTanhGrad_(a, b)",
};

const binaryI32: Record<BinaryOp, string> = {
  add: "a + b", sub: "a - b", mul: "a * b", div: "select(a / b, 0, b == 0)", pow: "ipow_(a, b)", maximum: "max(a, b)",
  minimum: "min(a, b)", mod: "irem_(a, b)", atan2: "i32(atan2(f32(a), f32(b)))",
  eq: "select(0, 1, a == b)", ne: "select(0, 1, a != b)", lt: "select(0, 1, a < b)", le: "select(0, 1, a <= b)",
  gt: "select(0, 1, a > b)", ge: "select(0, 1, a >= b)",
  logicalAnd: "select(0, 1, a != 0 && b != 0)", logicalOr: "select(0, 1, a != 0 || b != 0)",
  sigmoidGrad: "b * (1 - a) * a", tanhGrad: "b * (1 - a * a)", reluGrad: "select(0, b, a > 0)",
  // Float-only ops (their public functions compute in float32); computed in f32 and truncated like the CPU's stores.
  geluGrad: "i32(geluGrad_(f32(a), f32(b)))", siluGrad: "i32(siluGrad_(f32(a), f32(b)))",
  geluTanhGrad: "i32(geluTanhGrad_(f32(a), f32(b)))",
};

/** Converts a WGSL expression of type `from` to the storage type of `to`, as the CPU stores into typed arrays. */
const convert = (expr: string, from: "f32" | "i32", to: DType): string => {
  const t = wgslType(to);
  if (to === "bool") return from === "f32" ? `select(0, 1, truthy(${expr}))` : `select(0, 1, (${expr}) != 0)`;
  return from === t ? expr : `${t}(${expr})`;
};

// P = [n, nd, mode0, mode1, mode2, shape[nd], strides0[nd], strides1[nd], strides2[nd]];
// mode 0: the operand is laid out like the output (offset i); 1: a single element; 2: strided.
const HEAD = 5;

const mapKernel = (inTypes: readonly string[], outType: string, prelude: string, body: string): string => `
${bindings(inTypes, [outType])}
${prelude}
${stridedOffset("strided")}
fn off(i: u32, k: u32) -> u32 {
  let m = P[2u + k];
  if (m == 0) { return i; }
  if (m == 1) { return 0u; }
  let nd = u32(P[1]);
  return strided(i, nd, ${HEAD}u, ${HEAD}u + nd + k * nd, 0);
}
${main1d(`  if (i >= u32(P[0])) { return; }\n${body}`)}`;

/** Parameters for reading each input broadcast to `outShape`. */
const mapParams = (inputs: readonly B[], out: OutSpec): number[] => {
  const n = numel(out.shape);
  const c = collapse(out.shape, inputs.map((x) => broadcastStrides(x.shape, out.shape)));
  const contiguous = stridesOf(c.shape);
  const modes = [0, 0, 0];
  c.strides.forEach((st, k) => {
    modes[k] = numel(inputs[k]!.shape) === n && st.every((s, d) => s === contiguous[d]) ? 0 : st.every((s) => s === 0) ? 1 : 2;
  });
  return [n, c.shape.length, ...modes, ...c.shape, ...c.strides.flat()];
};

const run = (ctx: GpuContext, kernel: string, wgsl: string, inputs: readonly B[], out: OutSpec): GpuStorage => {
  const n = numel(out.shape);
  const o = ctx.alloc(n);
  if (n > 0)
    ctx.launch({ kernel, wgsl, inputs: inputs.map((x) => x.data.buffer), outputs: [o.buffer], params: mapParams(inputs, out), workgroups: groupsFor(n) });
  return o;
};

const sources = new Map<string, string>();
const cached = (key: string, make: () => string): string => {
  let s = sources.get(key);
  if (s === undefined) sources.set(key, (s = make()));
  return s;
};

export const unary = (ctx: GpuContext): Kernel<GpuStorage, "unary"> => ([x], { op }, out) => {
  const t = wgslType(x!.dtype);
  // Integer inputs use integer formulas where they exist; otherwise the float formula, stored back as the CPU does (truncated).
  const intExpr = t === "i32" ? unaryI32[op] : undefined;
  const from = intExpr !== undefined || op === "logicalNot" ? "i32" : "f32";
  const expr = intExpr ?? unaryF32[op];
  const wgsl = cached(`u/${op}/${x!.dtype}/${out.dtype}`, () =>
    mapKernel([t], wgslType(out.dtype), F32_MATH,
      `  let x = ${t === "i32" && intExpr === undefined ? "f32(I0[off(i, 0u)])" : "I0[off(i, 0u)]"};\n  O0[i] = ${convert(expr, from, out.dtype)};`));
  return run(ctx, `unary ${op}`, wgsl, [x!], out);
};

export const binary = (ctx: GpuContext): Kernel<GpuStorage, "binary"> => ([a, b], { op }, out) => {
  const t = wgslType(a!.dtype);
  const isCmp = binaryF32[op].startsWith("select(0, 1");
  const expr = t === "f32" ? binaryF32[op] : binaryI32[op];
  const from = t === "f32" && !isCmp ? "f32" : "i32";
  const wgsl = cached(`b/${op}/${a!.dtype}/${out.dtype}`, () =>
    mapKernel([t, t], wgslType(out.dtype), t === "f32" ? F32_MATH : F32_MATH + I32_MATH,
      `  let a = I0[off(i, 0u)];\n  let b = I1[off(i, 1u)];\n  O0[i] = ${convert(expr, from, out.dtype)};`));
  return run(ctx, `binary ${op}`, wgsl, [a!, b!], out);
};

export const where = (ctx: GpuContext): Kernel<GpuStorage, "where"> => ([c, a, b], _p, out) => {
  const t = wgslType(out.dtype);
  const wgsl = cached(`w/${t}`, () =>
    mapKernel(["i32", t, t], t, F32_HELPERS, "  O0[i] = select(I2[off(i, 2u)], I1[off(i, 1u)], I0[off(i, 0u)] != 0);"));
  return run(ctx, "where", wgsl, [c!, a!, b!], out);
};

export const cast = (ctx: GpuContext): Kernel<GpuStorage, "cast"> => ([x], { dtype }, out) => {
  const from = wgslType(x!.dtype);
  // float → int truncates toward zero (WGSL's conversion), NaN → 0 as storing NaN into an Int32Array does.
  const expr = from === "f32" && dtype === "int32" ? "select(i32(trunc(x)), 0, is_nan(x))" : convert("x", from, dtype);
  const wgsl = cached(`c/${x!.dtype}/${dtype}`, () => mapKernel([from], wgslType(dtype), F32_HELPERS, `  let x = I0[off(i, 0u)];\n  O0[i] = ${expr};`));
  return run(ctx, "cast", wgsl, [x!], out);
};
