// Matrix products: matmul with torch.matmul's 1-D/2-D/batched broadcasting rules, dot, outer, mm, bmm.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { broadcastShapes, numel, shapeStr } from "./_shape.js";
import { cast } from "./elementwise.js";
import { expand, reshape } from "./layout.js";

const checkOperand = (op: string, x: Tensor): void => {
  if (x.dtype === "bool") throw new Error(`${op}: bool tensors are not supported (shape ${shapeStr(x.shape)})`);
};

/** torch.matmul under the public op's name (for error messages). */
const product = (op: string, a: Tensor, b: Tensor): Tensor => {
  if (a.ndim === 0 || b.ndim === 0)
    throw new Error(`${op}: both arguments need at least 1 dimension, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  checkOperand(op, a);
  checkOperand(op, b);
  const A = cast(a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a, "float32");
  const B = cast(b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b, "float32");
  const [m, k] = A.shape.slice(-2) as [number, number];
  const [k2, n] = B.shape.slice(-2) as [number, number];
  if (k !== k2)
    throw new Error(`${op}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} cannot be multiplied (inner dimensions ${k} ≠ ${k2})`);
  const batch = broadcastShapes(op, A.shape.slice(0, -2), B.shape.slice(0, -2));
  const nb = numel(batch);
  const as3 = (x: Tensor, r: number, c: number) => {
    const own = x.shape.slice(0, -2);
    if (numel(own) === nb || numel(own) === 1) return reshape(x, [numel(own), r, c]);
    return reshape(expand(x, [...batch, r, c]), [nb, r, c]);
  };
  const out = applyPrim("matmul", [as3(A, m, k), as3(B, k, n)], { transA: false, transB: false });
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  // Integer products are exact in float32 up to 2^24, and PyTorch keeps integer matmuls integral.
  const y = reshape(out, shape);
  return a.dtype === "int32" && b.dtype === "int32" ? cast(y, "int32") : y;
};

/**
 * Matrix product with PyTorch's rules: 1-D operands are promoted and the added axis removed;
 * leading (batch) axes broadcast.
 * @example
 * matmul(ones([8, 2, 3]), ones([3, 4])).shape; // [8, 2, 4]
 */
export const matmul = (a: Tensor, b: Tensor): Tensor => product("matmul", a, b);

/** 2-D matrix product (torch.mm). */
export const mm = (a: Tensor, b: Tensor): Tensor => {
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`mm: expected 2-D tensors, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  return product("mm", a, b);
};

/** Batched 3-D matrix product (torch.bmm). */
export const bmm = (a: Tensor, b: Tensor): Tensor => {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0])
    throw new Error(`bmm: expected 3-D tensors with equal batch sizes, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  return product("bmm", a, b);
};

/** Inner product of two 1-D tensors. */
export const dot = (a: Tensor, b: Tensor): Tensor => {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0])
    throw new Error(`dot: expected two 1-D tensors of equal length, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  return product("dot", a, b);
};

/** Outer product of two 1-D tensors. */
export const outer = (a: Tensor, b: Tensor): Tensor => {
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new Error(`outer: expected two 1-D tensors, got shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  return product("outer", reshape(a, [a.shape[0]!, 1]), reshape(b, [1, b.shape[0]!]));
};
