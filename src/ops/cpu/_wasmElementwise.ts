// Dispatch of float32 unary ops, binary ops and where to the WebAssembly SIMD kernels (elementwise.c): staging, thresholds, threads.
import type { Buf, OutSpec } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";
import type { BinaryOp, UnaryOp } from "../primitive.js";
import { broadcastStrides, collapse, numel } from "../_shape.js";
import { runBinaryJob, runUnaryJob } from "./_gemmPool.js";
import { wasmCall } from "./_wasmCall.js";

type Arr = AnyTypedArray;

/**
 * The unary ops with a SIMD kernel (float32), by their op code in elementwise.c; `min`: the fewest elements for which
 * staging into the arena and back costs less than the SIMD kernel saves; `parallel`: from how many elements the
 * worker threads share the work (measured, docs/cpu-performance.md). neg, abs and sqrt are memory-bound: their
 * kernel is a small part of the copies around it, which only the calling thread does, so threads gain nothing.
 */
export const wasmUnaryOps: Partial<Record<UnaryOp, { readonly code: number; readonly min: number; readonly parallel: number }>> = {
  exp: { code: 0, min: 128, parallel: 1 << 19 }, sigmoid: { code: 1, min: 128, parallel: 1 << 19 },
  tanh: { code: 2, min: 128, parallel: 1 << 19 },
  neg: { code: 3, min: 512, parallel: 1 << 20 }, abs: { code: 4, min: 512, parallel: 1 << 20 }, sqrt: { code: 5, min: 512, parallel: 1 << 20 },
  geluTanh: { code: 6, min: 128, parallel: 1 << 19 },
};

/**
 * The binary ops with a SIMD kernel, by their op code in elementwise.c (a table, so that more ops are one line
 * each). Each gives results bit-identical to the TypeScript reference (tested), except geluTanhGrad, which like the
 * transcendental unary ops (exp, sigmoid, tanh, geluTanh) is computed in float32 lanes within a few ulp of it.
 */
export const wasmBinaryOps: Partial<Record<BinaryOp, number>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, sigmoidGrad: 6, tanhGrad: 7, reluGrad: 8, geluTanhGrad: 11,
};
/** pow with a single-element exponent of 2 or 3: a·a (float32) and a·a·a (float64 lanes), as the reference's powByProducts. */
const POW_BY_PRODUCTS: Readonly<Record<number, number>> = { 2: 9, 3: 10 };
const WHERE = 16;

/**
 * Below this many output elements the TypeScript loop wins: staging the operands into the arena and the result
 * back, plus the call, cost more than the SIMD loop saves (measured, docs/cpu-performance.md).
 */
export const WASM_BINARY_MIN = 512;
/**
 * From this many output elements the worker threads share the work (measured, docs/cpu-performance.md): the SIMD
 * loop is ~0.2 ns an element against ~0.5 ns of staging and copying on the calling thread, so threads pay only for
 * arrays large enough that their wake-up (tens of µs) is small beside the loop's share.
 */
export const BINARY_PARALLEL_MIN = 1 << 20;

// Descriptor words (elementwise.c's E_*): a 32-word temporary per call.
const E_OP = 0, E_O = 1, E_A = 2, E_B = 3, E_C = 4, E_AV = 5, E_N = 8, E_SA = 12, E_SB = 16, E_SC = 20;
const DESC_FLOATS = 32;
// Where each operand's pointer, strides and by-value word go: where's operands are condition, a, b; a binary op's a, b.
const WHERE_PTR = [E_C, E_A, E_B], BINARY_PTR = [E_A, E_B];
const WHERE_STRIDE = [E_SC, E_SA, E_SB], BINARY_STRIDE = [E_SA, E_SB];
const WHERE_VALUE = [E_AV + 2, E_AV, E_AV + 1], BINARY_VALUE = [E_AV, E_AV + 1];
const RANK = 4;

let minElements: number | null = null, parallelMin: number | null = null;
/**
 * Overrides the size thresholds of every op here (tests and benchmarks): `min` replaces each op's minimum, `parallel`
 * both thread thresholds; no argument restores the measured defaults.
 */
export const setElementwiseThresholds = (t?: { readonly min?: number; readonly parallel?: number }): void => {
  minElements = t?.min ?? null;
  parallelMin = t?.parallel ?? null;
};

/** f(x) through the SIMD kernel for float32 x and an op that has one; null otherwise (then the reference runs). */
export const wasmUnary = (x: Buf<Arr>, op: UnaryOp, out: OutSpec): Float32Array | null => {
  const w = wasmUnaryOps[op], src = x.data;
  if (w === undefined || !(src instanceof Float32Array) || out.dtype !== "float32" || src.length < (minElements ?? w.min)) return null;
  const len = src.length;
  return wasmCall((c) => {
    const to = c.result("float32", len), from = c.operand(src);
    if (len < (parallelMin ?? w.parallel) || !runUnaryJob(c.arena, w.code, from, to.ptr, len)) c.arena.exports.unary(w.code, from, to.ptr, len);
    return to.finish() as Float32Array;
  });
};

/**
 * Runs an elementwise job over operands (float32 data or bool bytes) broadcast to `shape`; null when the collapsed
 * output has more than 4 axes or the arena cannot hold it (the caller then runs the reference). Operands and the
 * result living in the arena (inside step scopes) are used in place; others are staged (`wasmCall`).
 */
const run = (op: number, shape: readonly number[], ops: readonly Buf<Arr>[], n: number): Float32Array | null => {
  // Operands laid out like the output or single elements (the common case) need no stride bookkeeping.
  const flat = ops.every((o) => o.data.length === n || o.data.length === 1);
  const c = flat ? { shape: [n], strides: ops.map((o) => [o.data.length === 1 ? 0 : 1]) } : collapse(shape, ops.map((o) => broadcastStrides(o.shape, shape)));
  if (c.shape.length > RANK) return null;
  return wasmCall((call) => {
    // The result first (it outlives the call's temporaries); single elements go by value in the descriptor, the
    // others are read where they are.
    const out = call.result("float32", n);
    const ptrs = ops.map((o) => (o.data.length === 1 ? 0 : call.operand(o.data)));
    const desc = call.temp(DESC_FLOATS * 4) / 4;
    const f32 = call.f32(), i32 = call.arena.i32(); // after the allocations, which may grow the memory
    i32.fill(0, desc, desc + DESC_FLOATS);
    i32[desc + E_OP] = op;
    i32[desc + E_O] = out.ptr;
    const pad = RANK - c.shape.length;
    for (let d = 0; d < RANK; d++) i32[desc + E_N + d] = d < pad ? 1 : c.shape[d - pad]!;
    const ptr = op === WHERE ? WHERE_PTR : BINARY_PTR;
    const strideAt = op === WHERE ? WHERE_STRIDE : BINARY_STRIDE;
    const valueAt = op === WHERE ? WHERE_VALUE : BINARY_VALUE;
    ops.forEach((o, k) => {
      const data = o.data;
      if (data.length === 1) {
        // by value: the descriptor word holds it, strides stay 0
        if (data instanceof Uint8Array) i32[desc + valueAt[k]!] = data[0]!;
        else f32[desc + valueAt[k]!] = data[0]!;
        i32[desc + ptr[k]!] = (desc + valueAt[k]!) * 4;
        return;
      }
      i32[desc + ptr[k]!] = ptrs[k]!;
      for (let d = 0; d < c.shape.length; d++) i32[desc + strideAt[k]! + pad + d] = c.strides[k]![d]!;
    });
    if (n < (parallelMin ?? BINARY_PARALLEL_MIN) || !runBinaryJob(call.arena, desc * 4, n)) call.arena.exports.elementwise(desc * 4, 0, n);
    return out.finish() as Float32Array;
  });
};

/** a op b through the SIMD kernel when both are float32 and the op has a kernel; null otherwise (then the reference runs). */
export const wasmBinary = (a: Buf<Arr>, b: Buf<Arr>, op: BinaryOp, out: OutSpec): Float32Array | null => {
  const code = op === "pow" && b.data.length === 1 ? POW_BY_PRODUCTS[b.data[0]!] : wasmBinaryOps[op];
  if (code === undefined || out.dtype !== "float32" || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) return null;
  const n = numel(out.shape);
  if (n < (minElements ?? WASM_BINARY_MIN) || a.data.length !== numel(a.shape) || b.data.length !== numel(b.shape)) return null;
  return run(code, out.shape, [a, b], n);
};

/** where(c, a, b) through the SIMD kernel for a bool condition and float32 branches; null otherwise. */
export const wasmWhere = (c: Buf<Arr>, a: Buf<Arr>, b: Buf<Arr>, out: OutSpec): Float32Array | null => {
  if (out.dtype !== "float32" || !(c.data instanceof Uint8Array) || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array)) return null;
  const n = numel(out.shape);
  if (n < (minElements ?? WASM_BINARY_MIN) || c.data.length !== numel(c.shape) || a.data.length !== numel(a.shape) || b.data.length !== numel(b.shape)) return null;
  return run(WHERE, out.shape, [c, a, b], n);
};
