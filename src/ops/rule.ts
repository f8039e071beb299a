// The per-primitive rules that sit beside the kernels: output type inference and the vector-Jacobian product.
import type { Tensor } from "./Tensor.js";
import type { OutSpec } from "./backend.js";
import type { Prim, PrimParams } from "./primitive.js";

export interface PrimRule<P extends Prim> {
  /** Output shape and dtype from the inputs' (already validated by the public op). */
  readonly out: (inputs: readonly OutSpec[], params: PrimParams[P]) => OutSpec;
  /**
   * Cotangents for each input given the output cotangent `g`, written with public ops so that
   * gradients of gradients work. `null` means no gradient flows to that input.
   */
  readonly vjp: (g: Tensor, inputs: readonly Tensor[], out: Tensor, params: PrimParams[P]) => readonly (Tensor | null)[];
  /** For composite primitives: the same result written with other primitives, run when the device has no kernel for it. */
  readonly decompose?: (inputs: readonly Tensor[], params: PrimParams[P]) => Tensor;
}

export type Rules = { readonly [P in Prim]: PrimRule<P> };
