// Rules for batched matmul over [B|1, M, K] × [B|1, K, N] with operands optionally stored transposed.
import type { PrimRule } from "../rule.js";
import type { Tensor } from "../Tensor.js";
import { applyPrim } from "../apply.js";
import { sum } from "../reduce.js";
import { reshape } from "../layout.js";

const mm = (a: Tensor, b: Tensor, transA: boolean, transB: boolean) => applyPrim("matmul", [a, b], { transA, transB });
const unbatch = (g: Tensor, batch: number) => (batch === 1 && g.shape[0] !== 1 ? sum(g, 0, { keepdim: true }) : g);
/** [B, r, c] as [1, B·r, c] (a free view of row-major storage). */
const stack = (x: Tensor) => reshape(x, [1, x.shape[0]! * x.shape[1]!, x.shape[2]!]);

/**
 * The cotangent of a B shared by a batch of row-major A (a linear layer on [batch, rows, features]): the batch's
 * products summed over it are one product over the stacked rows, Aᵀ·g (or gᵀ·A for a B stored transposed), with no
 * [batch, k, n] intermediate and no reduction. Null where A is stored transposed (its rows are not contiguous).
 */
const sharedB = (g: Tensor, a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor | null =>
  b.shape[0] === 1 && a.shape[0]! > 1 && !transA ? (transB ? mm(stack(g), stack(a), true, false) : mm(stack(a), stack(g), true, false)) : null;

export const matmul: PrimRule<"matmul"> = {
  out: ([a, b], { transA, transB }) => ({
    // a batch of 1 broadcasts against any other, 0 included
    shape: [a!.shape[0] === 1 ? b!.shape[0]! : a!.shape[0]!, a!.shape[transA ? 2 : 1]!, b!.shape[transB ? 1 : 2]!],
    dtype: "float32",
  }),
  // dA = g·Bᵀ and dB = Aᵀ·g; for an operand stored transposed the cotangent is produced transposed too.
  // An operand outside the differentiated graph (a batch of images into the first conv) gets no cotangent: it would
  // cost a whole matmul and be thrown away.
  vjp: (g, [a, b], _y, { transA, transB }) => [
    a!.requiresGrad ? unbatch(transA ? mm(b!, g, transB, true) : mm(g, b!, false, !transB), a!.shape[0]!) : null,
    b!.requiresGrad ? sharedB(g, a!, b!, transA, transB) ?? unbatch(transB ? mm(g, a!, true, transA) : mm(a!, g, !transA, false), b!.shape[0]!) : null,
  ],
};
