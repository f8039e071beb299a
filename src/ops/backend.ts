// What a backend provides: storage, upload/readback, one kernel per core primitive (a missing one does not compile), optional fused optimizer updates.
import type { AnyTypedArray, DType } from "./dtype.js";
import type { CompositePrim, CorePrim, Prim, PrimParams } from "./primitive.js";
import type { Shape } from "./_shape.js";
import type { FusedUpdates } from "./fusedUpdates.js";

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

/** A kernel for a composite primitive: null declines the call (a dtype or size it does not handle), and the decomposition runs. */
export type CompositeKernel<S, P extends CompositePrim> = (inputs: readonly Buf<S>[], params: PrimParams[P], out: OutSpec) => S | null;

/** The kernel table of a backend: every core primitive must be covered; composite ones are optional. */
export type Kernels<S> = { readonly [P in CorePrim]: Kernel<S, P> } & { readonly [P in CompositePrim]?: CompositeKernel<S, P> };

/** A device tensors live on. The CPU backend is the reference; others are checked against it. */
export interface Backend<S = unknown> {
  readonly name: string;
  readonly kernels: Kernels<S>;
  /** Fused optimizer updates (one pass per parameter), where the backend has them; optimizers run their ops otherwise. */
  readonly updates?: FusedUpdates<S>;
  /** Copies host data into backend storage (the array may be reused by the caller afterwards). */
  upload(data: AnyTypedArray, dtype: DType): S;
  /** Synchronous readback, where the device allows it (CPU); returns a copy or a read-only view. */
  readSync?(data: S, dtype: DType, size: number): AnyTypedArray;
  /** Asynchronous readback, available on every device. */
  read(data: S, dtype: DType, size: number): Promise<AnyTypedArray>;
}
