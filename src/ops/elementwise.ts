// Elementwise ops with NumPy broadcasting and PyTorch's type promotion; gradients come from the unary/binary rules.
import { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { promoteTypes, type DType } from "./dtype.js";
import type { BinaryOp, UnaryOp } from "./primitive.js";
import { fromTyped } from "./creation.js";
import { allocFor } from "./dtype.js";

/** A tensor, or a plain number/boolean that broadcasts like a 0-d tensor. */
export type TensorLike = Tensor | number | boolean;

const scalarDtype = (v: number | boolean): DType => (typeof v === "boolean" ? "bool" : Number.isInteger(v) ? "int32" : "float32");

// A Python scalar does not promote a float tensor (x * 2 stays float32), but makes an int tensor float (x * 0.5).
const resultType = (a: TensorLike, b: TensorLike): DType => {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  if (a instanceof Tensor) return promoteTypes(a.dtype, scalarDtype(b as number));
  if (b instanceof Tensor) return promoteTypes(b.dtype, scalarDtype(a as number));
  return promoteTypes(scalarDtype(a), scalarDtype(b));
};

/** Turns a number into a 0-d tensor of `dtype` on the device of `like` (tensors are cast if needed). */
export const lift = (x: TensorLike, dtype: DType, like?: Tensor): Tensor => {
  if (x instanceof Tensor) return x.dtype === dtype ? x : cast(x, dtype);
  return fromTyped(allocFor(dtype, 1).fill(+x), [], { dtype, device: like?.device });
};

const deviceOf = (a: TensorLike, b: TensorLike): Tensor | undefined =>
  a instanceof Tensor ? a : b instanceof Tensor ? b : undefined;

/** Converts a tensor to another dtype (float → int truncates toward zero). */
export const cast = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? x : applyPrim("cast", [x], { dtype }));

const binaryOp = (op: BinaryOp, a: TensorLike, b: TensorLike, dtype: DType): Tensor => {
  const like = deviceOf(a, b);
  return applyPrim("binary", [lift(a, dtype, like), lift(b, dtype, like)], { op });
};

const arith = (op: BinaryOp, float = false) => (a: TensorLike, b: TensorLike): Tensor => {
  let dt = resultType(a, b);
  if (dt === "bool") dt = "int32";
  if (float) dt = "float32";
  return binaryOp(op, a, b, dt);
};

const compare = (op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => binaryOp(op, a, b, resultType(a, b));
const logical = (op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => binaryOp(op, a, b, "bool");

/** a + b with broadcasting. */
export const add = arith("add");
/** a - b with broadcasting. */
export const sub = arith("sub");
/** a * b with broadcasting. */
export const mul = arith("mul");
/** True division a / b (always float32, like PyTorch's `/`). */
export const div = arith("div", true);
/** a ** b with broadcasting. */
export const pow = arith("pow");
/** Elementwise maximum (NaN propagates); ties split the gradient. */
export const maximum = arith("maximum");
/** Elementwise minimum (NaN propagates); ties split the gradient. */
export const minimum = arith("minimum");
/** Remainder with the sign of the divisor (torch.remainder). */
export const remainder = arith("mod");
/** Four-quadrant arctangent of a / b. */
export const atan2 = arith("atan2", true);
export const eq = compare("eq");
export const ne = compare("ne");
export const lt = compare("lt");
export const le = compare("le");
export const gt = compare("gt");
export const ge = compare("ge");
export const logicalAnd = logical("logicalAnd");
export const logicalOr = logical("logicalOr");

const floatUnary = (op: UnaryOp) => (x: Tensor): Tensor => applyPrim("unary", [cast(x, "float32")], { op });
const keepUnary = (op: UnaryOp) => (x: Tensor): Tensor => applyPrim("unary", [x.dtype === "bool" ? cast(x, "int32") : x], { op });

export const neg = keepUnary("neg");
export const abs = keepUnary("abs");
export const sign = keepUnary("sign");
export const relu = keepUnary("relu");
export const exp = floatUnary("exp");
export const log = floatUnary("log");
export const log1p = floatUnary("log1p");
export const expm1 = floatUnary("expm1");
export const sqrt = floatUnary("sqrt");
export const rsqrt = floatUnary("rsqrt");
export const sin = floatUnary("sin");
export const cos = floatUnary("cos");
export const tanh = floatUnary("tanh");
export const sigmoid = floatUnary("sigmoid");
export const erf = floatUnary("erf");
/** Round down; integer tensors pass through. */
export const floor = (x: Tensor): Tensor => (x.dtype === "float32" ? applyPrim("unary", [x], { op: "floor" }) : x);
export const ceil = (x: Tensor): Tensor => (x.dtype === "float32" ? applyPrim("unary", [x], { op: "ceil" }) : x);
/** Round half to even, as torch.round. */
export const round = (x: Tensor): Tensor => (x.dtype === "float32" ? applyPrim("unary", [x], { op: "round" }) : x);
export const logicalNot = (x: Tensor): Tensor => applyPrim("unary", [x], { op: "logicalNot" });

/** x². */
export const square = (x: Tensor): Tensor => mul(x, x);
/** 1 / x. */
export const reciprocal = (x: Tensor): Tensor => div(1, x);

/**
 * Picks `a` where `cond` is true and `b` elsewhere, broadcasting all three.
 * @example
 * where(gt(x, 0), x, 0); // relu
 */
export const where = (cond: Tensor, a: TensorLike, b: TensorLike): Tensor => {
  if (cond.dtype !== "bool") throw new Error(`where: condition must be a bool tensor, got ${cond.dtype}`);
  const dt = resultType(a, b);
  const like = deviceOf(a, b) ?? cond;
  return applyPrim("where", [cond, lift(a, dt, like), lift(b, dt, like)], {});
};

/**
 * Clamps into [min, max]; the gradient passes where min ≤ x ≤ max, as in PyTorch.
 * @example
 * clamp(x, { min: 0, max: 6 }); // relu6
 */
export const clamp = (x: Tensor, { min, max }: { min?: number | undefined; max?: number | undefined }): Tensor => {
  if (min === undefined && max === undefined) throw new Error("clamp: at least one of min and max must be given");
  let y = x;
  if (min !== undefined) y = where(lt(y, min), min, y);
  if (max !== undefined) y = where(gt(y, max), max, y);
  return y;
};
