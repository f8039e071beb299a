// Element types of tensors and the typed arrays that hold them (bool is one byte per element, as in PyTorch).
import { allocStorage } from "./cpu/_storagePool.js";

export type DType = "float32" | "int32" | "bool";

/** The typed array that stores elements of each dtype. */
export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "int32"
    ? Int32Array
    : Uint8Array;

export type AnyTypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * Allocates a zero-filled typed array for `n` elements of `dtype` (inside a CPU step scope it may be a recycled
 * buffer, zeroed, that the scope releases at its end unless the step keeps it).
 */
export const allocFor = (dtype: DType, n: number): AnyTypedArray => allocStorage(dtype, n);

/** `allocFor` without the zeroing of recycled buffers: only for kernels that write every element. */
export const allocUninit = (dtype: DType, n: number): AnyTypedArray => allocStorage(dtype, n, false);

/** The dtype a typed array holds, as rivulet reads it. */
export const dtypeOfArray = (a: AnyTypedArray): DType =>
  a instanceof Float32Array ? "float32" : a instanceof Int32Array ? "int32" : "bool";

/** A storage array holding a copy of `src` (a view of the WebAssembly arena, say), allocated as `allocUninit` does. */
export const copyToStorage = <T extends AnyTypedArray>(src: T): T => {
  const o = allocUninit(dtypeOfArray(src), src.length) as T;
  o.set(src);
  return o;
};

/**
 * A plain copy of storage for user code (dataSync, data): never a view of the WebAssembly arena, whose memory a
 * later step reuses. Allocating and `.set` beats `.slice()`, which is several times slower on shared memory.
 */
export const copyOut = <T extends AnyTypedArray>(src: T): T => {
  const o = new (src.constructor as new (n: number) => T)(src.length);
  o.set(src);
  return o;
};

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** PyTorch's type promotion restricted to rivulet's dtypes: bool < int32 < float32. */
export const promoteTypes = (a: DType, b: DType): DType => (rank[a] >= rank[b] ? a : b);

export const isFloat = (d: DType): boolean => d === "float32";
