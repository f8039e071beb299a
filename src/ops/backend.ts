// What a backend provides: storage, upload/readback, and one kernel per primitive (a missing kernel does not compile).
import type { AnyTypedArray, DType } from "./dtype.js";
import type { Prim, PrimParams } from "./primitive.js";
import type { Shape } from "./_shape.js";

/** A kernel's view of one input: the backend's storage plus its shape and dtype. */
export interface Buf<S> {
  readonly data: S;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface OutSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

export type Kernel<S, P extends Prim> = (inputs: readonly Buf<S>[], params: PrimParams[P], out: OutSpec) => S;

/** The kernel table of a backend: a mapped type over the primitives, so every primitive must be covered. */
export type Kernels<S> = { readonly [P in Prim]: Kernel<S, P> };

/** A device tensors live on. The CPU backend is the reference; others are checked against it. */
export interface Backend<S = unknown> {
  readonly name: string;
  readonly kernels: Kernels<S>;
  /** Copies host data into backend storage (the array may be reused by the caller afterwards). */
  upload(data: AnyTypedArray, dtype: DType): S;
  /** Synchronous readback, where the device allows it (CPU); returns a copy or a read-only view. */
  readSync?(data: S, dtype: DType, size: number): AnyTypedArray;
  /** Asynchronous readback, available on every device. */
  read(data: S, dtype: DType, size: number): Promise<AnyTypedArray>;
}
