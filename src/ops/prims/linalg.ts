// Rules for batched matmul over [B|1, M, K] × [B|1, K, N] with operands optionally stored transposed.
import type { PrimRule } from "../rule.js";
import type { Tensor } from "../Tensor.js";
import { applyPrim } from "../apply.js";
import { sum } from "../reduce.js";

const mm = (a: Tensor, b: Tensor, transA: boolean, transB: boolean) => applyPrim("matmul", [a, b], { transA, transB });
const unbatch = (g: Tensor, batch: number) => (batch === 1 && g.shape[0] !== 1 ? sum(g, 0, { keepdim: true }) : g);

export const matmul: PrimRule<"matmul"> = {
  out: ([a, b], { transA, transB }) => ({
    shape: [Math.max(a!.shape[0]!, b!.shape[0]!), a!.shape[transA ? 2 : 1]!, b!.shape[transB ? 1 : 2]!],
    dtype: "float32",
  }),
  // dA = g·Bᵀ and dB = Aᵀ·g; for an operand stored transposed the cotangent is produced transposed too.
  // An operand outside the differentiated graph (a batch of images into the first conv) gets no cotangent: it would
  // cost a whole matmul and be thrown away.
  vjp: (g, [a, b], _y, { transA, transB }) => [
    a!.requiresGrad ? unbatch(transA ? mm(b!, g, transB, true) : mm(g, b!, false, !transB), a!.shape[0]!) : null,
    b!.requiresGrad ? unbatch(transB ? mm(g, a!, true, transA) : mm(a!, g, !transA, false), b!.shape[0]!) : null,
  ],
};
