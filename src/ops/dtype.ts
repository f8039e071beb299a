// Element types of tensors and the typed arrays that hold them (bool is one byte per element, as in PyTorch).

export type DType = "float32" | "int32" | "bool";

/** The typed array that stores elements of each dtype. */
export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "int32"
    ? Int32Array
    : Uint8Array;

export type AnyTypedArray = Float32Array | Int32Array | Uint8Array;

const ctors = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/** Allocates a zero-filled typed array for `n` elements of `dtype`. */
export const allocFor = (dtype: DType, n: number): AnyTypedArray => new ctors[dtype](n);

/** The dtype a typed array holds, as rivulet reads it. */
export const dtypeOfArray = (a: AnyTypedArray): DType =>
  a instanceof Float32Array ? "float32" : a instanceof Int32Array ? "int32" : "bool";

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** PyTorch's type promotion restricted to rivulet's dtypes: bool < int32 < float32. */
export const promoteTypes = (a: DType, b: DType): DType => (rank[a] >= rank[b] ? a : b);

export const isFloat = (d: DType): boolean => d === "float32";
