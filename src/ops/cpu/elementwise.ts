// CPU kernels for unary, binary (broadcasting), where and cast. Inner loops are generated once per op so the JIT sees no closures.
import type { Kernel } from "../backend.js";
import { allocFor, allocUninit, type AnyTypedArray } from "../dtype.js";
import type { BinaryOp, UnaryOp } from "../primitive.js";
import { broadcastStrides, collapse, numel, sameShape, type Shape } from "../_shape.js";
import { erf, geluGrad, remainder, roundHalfEven, siluGrad } from "./_scalar.js";
import { wasmCall } from "./_wasmCall.js";
import { runUnaryJob } from "./_gemmPool.js";

type Arr = AnyTypedArray;

// Truth tests (logicalNot/And/Or) use `!== 0`, not JS truthiness, so that NaN counts as true (as in PyTorch).
// Comparisons are written `+(a > b)`, not `a > b ? 1 : 0`: V8 compiles the unary plus to a flag move, the ternary to a
// branch that mispredicts half the time on random signs (3-5× slower over 64K random floats).
const unaryExpr: Record<UnaryOp, string> = {
  neg: "-x", abs: "Math.abs(x)", sign: "(+(x > 0) - +(x < 0))", exp: "Math.exp(x)", log: "Math.log(x)",
  log1p: "Math.log1p(x)", expm1: "Math.expm1(x)", sqrt: "Math.sqrt(x)", rsqrt: "1 / Math.sqrt(x)",
  sin: "Math.sin(x)", cos: "Math.cos(x)", tanh: "Math.tanh(x)", sigmoid: "1 / (1 + Math.exp(-x))",
  erf: "H.erf(x)", relu: "(x <= 0 ? 0 : x)", floor: "Math.floor(x)", ceil: "Math.ceil(x)",
  round: "H.roundHalfEven(x)", logicalNot: "+(x === 0)",
  gelu: "0.5 * x * (1 + H.erf(x * Math.SQRT1_2))", silu: "x / (1 + Math.exp(-x))",
};

const binaryExpr: Record<BinaryOp, string> = {
  add: "a + b", sub: "a - b", mul: "a * b", div: "a / b", pow: "Math.pow(a, b)",
  maximum: "(a !== a || b !== b ? NaN : a > b ? a : b)", minimum: "(a !== a || b !== b ? NaN : a < b ? a : b)",
  mod: "H.remainder(a, b)", atan2: "Math.atan2(a, b)",
  eq: "+(a === b)", ne: "+(a !== b)", lt: "+(a < b)", le: "+(a <= b)",
  gt: "+(a > b)", ge: "+(a >= b)", logicalAnd: "(+(a !== 0) & +(b !== 0))", logicalOr: "(+(a !== 0) | +(b !== 0))",
  // One pass instead of three (PyTorch's sigmoid_backward/tanh_backward/threshold_backward, same operation order).
  sigmoidGrad: "b * (1 - a) * a", tanhGrad: "b * (1 - a * a)", reluGrad: "(a > 0 ? b : 0)",
  geluGrad: "H.geluGrad(a, b)", siluGrad: "H.siluGrad(a, b)",
};

const helpers = { erf, roundHalfEven, remainder, geluGrad, siluGrad };

type UnaryLoop = (x: Arr, o: Arr, n: number) => void;
type BinaryLoop = (a: Arr, b: Arr, o: Arr, shape: Shape, sa: number[], sb: number[]) => void;

// Keyed by expression and by the input and output dtypes: one generated loop per combination keeps each loop's
// element accesses monomorphic (a loop shared by Float32Array and Int32Array calls is deoptimised to the slow, generic path).
const unaryLoops = new Map<string, UnaryLoop>();
const binaryLoops = new Map<string, BinaryLoop>();

// int32 products must wrap like C's int32 multiply; a * b in doubles loses the low bits past 2^53.
const intExpr: Partial<Record<BinaryOp, string>> = { mul: "Math.imul(a, b)" };

const makeUnary = (op: UnaryOp): UnaryLoop =>
  new Function("H", `return (X, O, n) => { for (let i = 0; i < n; i++) { const x = X[i]; O[i] = ${unaryExpr[op]}; } };`)(helpers);

// Walks the output in row-major order with the last axis as the inner loop; offsets into a and b
// advance by their (possibly zero) broadcast strides, so no index arrays are built per element.
const makeBinary = (expr: string): BinaryLoop =>
  new Function(
    "H",
    `return (A, B, O, shape, sa, sb) => {
      const nd = shape.length;
      let total = 1; for (let d = 0; d < nd; d++) total *= shape[d];
      if (total === 0) return;
      if (nd === 0) { const a = A[0], b = B[0]; O[0] = ${expr}; return; }
      const inner = shape[nd - 1], ia = sa[nd - 1], ib = sb[nd - 1];
      const idx = new Array(nd).fill(0);
      let offA = 0, offB = 0, o = 0;
      while (o < total) {
        if (ia === 1 && ib === 1) {
          for (let j = 0; j < inner; j++) { const a = A[offA + j], b = B[offB + j]; O[o + j] = ${expr}; }
        } else if (ib === 0) {
          const b = B[offB];
          for (let j = 0; j < inner; j++) { const a = A[offA + j * ia]; O[o + j] = ${expr}; }
        } else if (ia === 0) {
          const a = A[offA];
          for (let j = 0; j < inner; j++) { const b = B[offB + j * ib]; O[o + j] = ${expr}; }
        } else {
          for (let j = 0; j < inner; j++) { const a = A[offA + j * ia], b = B[offB + j * ib]; O[o + j] = ${expr}; }
        }
        o += inner;
        for (let d = nd - 2; d >= 0; d--) {
          idx[d]++; offA += sa[d]; offB += sb[d];
          if (idx[d] < shape[d]) break;
          offA -= sa[d] * shape[d]; offB -= sb[d] * shape[d]; idx[d] = 0;
        }
      }
    };`,
  )(helpers);

/** The same 32 bits viewed as int32 (float32 and int32 storage), for selects done by masking bits. */
const bits = (x: Arr): Int32Array => (x instanceof Int32Array ? x : new Int32Array(x.buffer, x.byteOffset, x.length));

// relu, its gradient and where on 4-byte storage select by masking bits (v & -(test)) instead of branching: on
// activations with random signs the branch mispredicts half the time, and the masked loop is 3-5× faster. Each keeps
// the ternary's semantics exactly: relu keeps NaN and maps -0 to +0, reluGrad gives 0 wherever x ≤ 0 or x is NaN.
const reluBits = (x: Float32Array, o: Float32Array): void => {
  const xi = bits(x), oi = bits(o);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    oi[i] = xi[i]! & -(+(v > 0) | +(v !== v));
  }
};
const reluGradBits = (x: Float32Array, g: Float32Array, o: Float32Array): void => {
  const gi = bits(g), oi = bits(o);
  for (let i = 0; i < x.length; i++) oi[i] = gi[i]! & -(x[i]! > 0);
};
const whereBits = (c: Arr, a: Arr, b: Arr, o: Arr, n: number): void => {
  const ai = bits(a), bi = bits(b), oi = bits(o);
  const cs = c.length === 1 ? 0 : 1, as = a.length === 1 ? 0 : 1, bs = b.length === 1 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const m = -c[i * cs]!; // bool storage holds only 0 and 1: m is all ones or all zeros
    oi[i] = (ai[i * as]! & m) | (bi[i * bs]! & ~m);
  }
};

/** The unary ops with a WebAssembly SIMD kernel (float32), by their op code there. */
const wasmUnary: Partial<Record<UnaryOp, number>> = { exp: 0, sigmoid: 1 };
/** Below this many elements staging into the arena (outside step scopes) costs more than the SIMD kernel saves. */
const WASM_UNARY_MIN = 1024;
/** From this many elements the worker threads share the work. */
const PARALLEL_MIN = 1 << 16;

/** Unary ops: exp and sigmoid of float32 through the WebAssembly SIMD kernel, relu by masking bits, the rest through the reference. */
export const unary: Kernel<Arr, "unary"> = (inputs, params, out) => {
  const code = wasmUnary[params.op], src = inputs[0]!.data;
  if (params.op === "relu" && src instanceof Float32Array) {
    const o = allocUninit("float32", src.length) as Float32Array;
    reluBits(src, o);
    return o;
  }
  if (code !== undefined && src instanceof Float32Array && out.dtype === "float32" && src.length >= WASM_UNARY_MIN) {
    const len = src.length;
    const fast = wasmCall((c) => {
      const from = c.operand(src), to = c.result("float32", len);
      if (len < PARALLEL_MIN || !runUnaryJob(c.arena, code, from, to.ptr, len)) c.arena.exports.unary(code, from, to.ptr, len);
      return to.finish();
    });
    if (fast !== null) return fast;
  }
  return unaryReference(inputs, params, out);
};

/** The TypeScript reference unary kernel. */
export const unaryReference: Kernel<Arr, "unary"> = ([x], { op }, out) => {
  const k = `${op}/${x!.dtype}/${out.dtype}`;
  let loop = unaryLoops.get(k);
  if (!loop) unaryLoops.set(k, (loop = makeUnary(op)));
  const o = allocUninit(out.dtype, x!.data.length);
  loop(x!.data, o, o.length);
  return o;
};

/** Math.pow is ~30 ns an element in V8; a float32 square or cube by products rounds to the same float32 (tested). */
const powByProducts: Readonly<Record<number, string>> = { 2: "a * a", 3: "a * a * a" };

export const binary: Kernel<Arr, "binary"> = ([a, b], { op }, out) => {
  const small = op === "pow" && b!.data.length === 1 && out.dtype === "float32" ? powByProducts[b!.data[0]!] : undefined;
  const expr = small ?? ((a!.dtype === "int32" && intExpr[op]) || binaryExpr[op]);
  const k = `${expr}/${a!.dtype}/${out.dtype}`;
  let loop = binaryLoops.get(k);
  if (!loop) binaryLoops.set(k, (loop = makeBinary(expr)));
  const n = numel(out.shape);
  const o = allocUninit(out.dtype, n); // every element is written below
  // The common cases (same shapes, or one side a single element) skip the stride bookkeeping.
  const na = a!.data.length, nb = b!.data.length;
  if ((na === n || na === 1) && (nb === n || nb === 1)) {
    if (op === "reluGrad" && na === n && nb === n && a!.data instanceof Float32Array && b!.data instanceof Float32Array) {
      reluGradBits(a!.data, b!.data, o as Float32Array);
      return o;
    }
    loop(a!.data, b!.data, o, n === 0 ? [0] : [n], [na === 1 ? 0 : 1], [nb === 1 ? 0 : 1]);
    return o;
  }
  const c = collapse(out.shape, [broadcastStrides(a!.shape, out.shape), broadcastStrides(b!.shape, out.shape)]);
  loop(a!.data, b!.data, o, c.shape, c.strides[0]!, c.strides[1]!);
  return o;
};

/** Copies `x` broadcast to `shape` (also the expand kernel). */
export const broadcastCopy = (x: Arr, xShape: Shape, shape: Shape, o: Arr): Arr => {
  if (sameShape(xShape, shape)) {
    o.set(x);
    return o;
  }
  const c = collapse(shape, [broadcastStrides(xShape, shape)]);
  const st = c.strides[0]!;
  const nd = c.shape.length;
  if (nd === 0) {
    o.fill(x[0]!);
    return o;
  }
  const idx = new Array<number>(nd).fill(0);
  const inner = c.shape[nd - 1]!;
  const is = st[nd - 1]!;
  let off = 0;
  for (let p = 0; p < o.length; p += inner) {
    if (is === 0) {
      // A loop, not fill(): broadcasting over a short last axis (a pooling window's gradient) calls this per 2 elements.
      const v = x[off]!;
      for (let j = 0; j < inner; j++) o[p + j] = v;
    } else for (let j = 0; j < inner; j++) o[p + j] = x[off + j * is]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      off += st[d]!;
      if (idx[d]! < c.shape[d]!) break;
      off -= st[d]! * c.shape[d]!;
      idx[d] = 0;
    }
  }
  return o;
};

export const where: Kernel<Arr, "where"> = ([c, a, b], _p, out) => {
  const n = numel(out.shape);
  const C = c!.data, A = a!.data, B = b!.data;
  // Operands laid out like the output or single elements (masks, relu-like selects): one pass, no broadcast copies.
  const fits = (len: number): boolean => len === n || len === 1;
  if (fits(C.length) && fits(A.length) && fits(B.length)) {
    const o = allocFor(out.dtype, n);
    // Bits are copied as they are, so both operands must already hold the output's dtype (the public where lifts them).
    if (out.dtype !== "bool" && a!.dtype === out.dtype && b!.dtype === out.dtype) whereBits(C, A, B, o, n);
    else {
      const ci = C.length === 1 ? 0 : 1, ai = A.length === 1 ? 0 : 1, bi = B.length === 1 ? 0 : 1;
      for (let i = 0; i < n; i++) o[i] = C[i * ci] ? A[i * ai]! : B[i * bi]!;
    }
    return o;
  }
  const cc = broadcastCopy(c!.data, c!.shape, out.shape, new Uint8Array(n));
  const aa = broadcastCopy(a!.data, a!.shape, out.shape, allocFor(out.dtype, n));
  const bb = broadcastCopy(b!.data, b!.shape, out.shape, allocFor(out.dtype, n));
  for (let i = 0; i < n; i++) if (!cc[i]) aa[i] = bb[i]!;
  return aa;
};

export const cast: Kernel<Arr, "cast"> = ([x], { dtype }) => {
  const src = x!.data;
  const o = allocFor(dtype, src.length);
  // `!== 0` rather than truthiness: NaN is true, as in PyTorch.
  if (dtype === "bool") for (let i = 0; i < src.length; i++) o[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === "int32") for (let i = 0; i < src.length; i++) o[i] = Math.trunc(src[i]!);
  else o.set(src);
  return o;
};
