// The memory of one WebAssembly kernel call: operands read in place when they live in the arena, else staged into temporary heap blocks; results written straight into resident storage, else into a temporary copied out.
//
// Inside CPU step scopes storage is resident (_storagePool.ts), so a kernel's operands and result cost no copies;
// outside scopes (or with the heap full) each plain operand is copied in (~0.15 ns per element) and the result out.
// A kernel written against this API (operand, result, temp) needs no other change for either case:
//
//   const fast = wasmCall((c) => {
//     const src = c.operand(x), out = c.result("float32", n);
//     c.arena.exports.unary(op, src, out.ptr, n);
//     return out.finish();
//   });
//   if (fast !== null) return fast; // else the TypeScript reference runs
import { allocStorage } from "./_storagePool.js";
import type { HeapBlock } from "./_arenaHeap.js";
import { getArena, type Arena } from "./_wasmArena.js";
import { dtypeOfArray, type AnyTypedArray, type DType } from "../dtype.js";

type View = new (b: SharedArrayBuffer, offset: number, n: number) => AnyTypedArray;
const viewOf: Record<DType, View> = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as unknown as Record<DType, View>;

/** A kernel result: the byte pointer the kernel writes `n` elements at, and the storage holding them afterwards. */
export interface WasmResult {
  readonly ptr: number;
  /** The result's storage: the resident array written in place, or a copy of the temporary (call it once, before the call ends). */
  readonly finish: () => AnyTypedArray;
}

/** The allocations of one kernel call. Pointers are byte offsets into the arena, 64-byte aligned for temporaries. */
export interface WasmCall {
  readonly arena: Arena;
  /** Where the first `len` elements of `a` (default: all) are in the arena: `a` itself when it lives there, else a copy. */
  readonly operand: (a: AnyTypedArray, len?: number) => number;
  /** Storage for a result of `n` elements of `dtype` (zeroed when asked; else the kernel must write every element). */
  readonly result: (dtype: DType, n: number, zeroed?: boolean) => WasmResult;
  /** A temporary of `bytes` bytes (uninitialised), freed when the call ends. */
  readonly temp: (bytes: number) => number;
  /** A float32 view of the whole memory; take it after the call's allocations, which may grow the memory. */
  readonly f32: () => Float32Array<ArrayBufferLike>;
}

/** Thrown inside a call when the heap cannot hold a temporary: `wasmCall` answers null and the caller falls back. */
class HeapFull {}

// The calls' temporaries, innermost call's last (a kernel may run another inside its body): each call frees those
// above the mark it started at. One WasmCall per arena serves every call, so a kernel call allocates no closures.
const temps: HeapBlock[] = [];
let shared: { readonly arena: Arena; readonly call: WasmCall } | undefined;

const makeCall = (arena: Arena): WasmCall => {
  const temp = (bytes: number): number => {
    const b = arena.heap.alloc(Math.max(bytes, 1));
    if (b === null) throw new HeapFull();
    temps.push(b);
    return b.offset;
  };
  const operand = (a: AnyTypedArray, len = a.length): number => {
    if (arena.owns(a.buffer)) return a.byteOffset;
    const ptr = temp(len * a.BYTES_PER_ELEMENT);
    new viewOf[dtypeOfArray(a)](arena.buffer(), ptr, len).set(len === a.length ? a : a.subarray(0, len));
    return ptr;
  };
  const result = (dtype: DType, n: number, zeroed = false): WasmResult => {
    const o = allocStorage(dtype, n, zeroed);
    if (arena.owns(o.buffer)) return { ptr: o.byteOffset, finish: () => o };
    const ptr = temp(n * o.BYTES_PER_ELEMENT);
    if (zeroed) new Uint8Array(arena.buffer(), ptr, n * o.BYTES_PER_ELEMENT).set(new Uint8Array(n * o.BYTES_PER_ELEMENT));
    return {
      ptr,
      finish: () => {
        o.set(new viewOf[dtype](arena.buffer(), ptr, n));
        return o;
      },
    };
  };
  return { arena, operand, result, temp, f32: arena.f32 };
};

/**
 * Runs `body` with a call's allocations on the shared arena, freeing its temporaries afterwards (also on error).
 * Null when there is no arena (RIVULET_CPU_WASM=0, no shared memory), the heap cannot hold the temporaries, or
 * `body` answers null: the caller then runs its TypeScript reference.
 */
export const wasmCall = <T>(body: (c: WasmCall) => T | null): T | null => {
  const arena = getArena();
  if (arena === null) return null;
  if (shared?.arena !== arena) shared = { arena, call: makeCall(arena) };
  const mark = temps.length;
  try {
    return body(shared.call);
  } catch (e) {
    if (e instanceof HeapFull) return null;
    throw e;
  } finally {
    while (temps.length > mark) arena.heap.free(temps.pop()!);
  }
};
