// Elementwise ops with NumPy broadcasting and PyTorch's type promotion; gradients come from the unary/binary rules.
import { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { allocFor, promoteTypes, type DType } from "./dtype.js";
import type { BinaryOp, UnaryOp } from "./primitive.js";
import { fromTyped } from "./creation.js";
import { broadcastShapes, shapeStr, type Shape } from "./_shape.js";

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
  const v = dtype === "bool" ? (+x !== 0 ? 1 : 0) : +x; // bool storage holds only 0/1 (NaN is true)
  return fromTyped(allocFor(dtype, 1).fill(v), [], { dtype, device: like?.device });
};

const deviceOf = (a: TensorLike, b: TensorLike): Tensor | undefined =>
  a instanceof Tensor ? a : b instanceof Tensor ? b : undefined;

const describe = (x: unknown): string =>
  x === null ? "null" : Array.isArray(x) ? "an array (wrap it with tensor())" : typeof x === "object" ? "an object" : `${typeof x} ${String(x)}`;

const checkTensor = (op: string, x: unknown): void => {
  if (!(x instanceof Tensor)) throw new Error(`${op}: expected a tensor, got ${describe(x)}`);
};

const checkOperand = (op: string, x: unknown): void => {
  if (!(x instanceof Tensor) && typeof x !== "number" && typeof x !== "boolean")
    throw new Error(`${op}: expected a tensor, number or boolean, got ${describe(x)}`);
};

const DTYPES: readonly DType[] = ["float32", "int32", "bool"];

/** Converts a tensor to another dtype (float → int truncates toward zero; nonzero and NaN → true). */
export const cast = (x: Tensor, dtype: DType): Tensor => {
  checkTensor("cast", x);
  if (!DTYPES.includes(dtype)) throw new Error(`cast: unknown dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.join(", ")})`);
  return x.dtype === dtype ? x : applyPrim("cast", [x], { dtype });
};

const shapeOf = (x: TensorLike): Shape => (x instanceof Tensor ? x.shape : []);

/** Checks, broadcasts (naming the public op on a mismatch) and applies a binary primitive in `dtype`. */
const binaryOp = (name: string, op: BinaryOp, a: TensorLike, b: TensorLike, dtype: DType): Tensor => {
  broadcastShapes(name, shapeOf(a), shapeOf(b));
  const like = deviceOf(a, b);
  return applyPrim("binary", [lift(a, dtype, like), lift(b, dtype, like)], { op });
};

// On two bools PyTorch's + and * are logical or/and, and maximum/minimum stay bool.
const boolArith: Partial<Record<BinaryOp, BinaryOp>> = { add: "logicalOr", mul: "logicalAnd", maximum: "logicalOr", minimum: "logicalAnd" };

const arith = (name: string, op: BinaryOp, float = false) => (a: TensorLike, b: TensorLike): Tensor => {
  checkOperand(name, a);
  checkOperand(name, b);
  let dt = resultType(a, b);
  if (float) dt = "float32";
  else if (dt === "bool") {
    const logical = boolArith[op];
    if (logical) return binaryOp(name, logical, a, b, "bool");
    if (op === "sub") throw new Error("sub: subtracting bool tensors is not supported; use logicalNot or ne for masks");
    dt = "int32";
  }
  if (op === "pow" && dt === "int32" && typeof b === "number" && b < 0)
    throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${b}); cast the base to float32 first`);
  return binaryOp(name, op, a, b, dt);
};

const compare = (name: string, op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => {
  checkOperand(name, a);
  checkOperand(name, b);
  return binaryOp(name, op, a, b, resultType(a, b));
};

const logical = (name: string, op: BinaryOp) => (a: TensorLike, b: TensorLike): Tensor => {
  checkOperand(name, a);
  checkOperand(name, b);
  return binaryOp(name, op, a, b, "bool");
};

/** Options of add and sub (torch.add / torch.sub). */
export interface AlphaOptions {
  /** Multiplies b before it is added or subtracted (default 1), as torch.add(a, b, alpha=...). */
  readonly alpha?: number;
}

const plainAdd = arith("add", "add");
const plainSub = arith("sub", "sub");

/** b · alpha, checked as torch.add does: alpha must be a number, an integer for integer operands and a bool for bools. */
const scaled = (name: string, a: TensorLike, b: TensorLike, alpha: number | undefined): TensorLike => {
  if (alpha === undefined || alpha === 1) return b;
  if (typeof alpha !== "number" || Number.isNaN(alpha)) throw new Error(`${name}: alpha must be a number, got ${String(alpha)}`);
  const dt = resultType(a, b);
  if (dt !== "float32" && !Number.isInteger(alpha))
    throw new Error(`${name}: alpha ${alpha} must be an integer for ${dt} operands (the result would not be ${dt}); cast to float32 first`);
  if (dt === "bool") throw new Error(`${name}: alpha is not supported for bool operands`);
  return typeof b === "number" ? b * alpha : mul(b, alpha);
};

/**
 * a + alpha · b with broadcasting (logical or on two bools, as in PyTorch).
 * @example
 * add(x, g, { alpha: -0.1 }); // x - 0.1·g, as torch.add(x, g, alpha=-0.1)
 */
export const add = (a: TensorLike, b: TensorLike, { alpha }: AlphaOptions = {}): Tensor => plainAdd(a, scaled("add", a, b, alpha));
/** a - alpha · b with broadcasting (torch.sub). */
export const sub = (a: TensorLike, b: TensorLike, { alpha }: AlphaOptions = {}): Tensor => plainSub(a, scaled("sub", a, b, alpha));
/** a * b with broadcasting (logical and on two bools, as in PyTorch). */
export const mul = arith("mul", "mul");
/** True division a / b (always float32, like PyTorch's `/`). */
export const div = arith("div", "div", true);
/** a ** b with broadcasting; as in PyTorch the exponent's gradient is 0 where the base is 0. */
export const pow = arith("pow", "pow");
/** Elementwise maximum (NaN propagates); ties split the gradient. */
export const maximum = arith("maximum", "maximum");
/** Elementwise minimum (NaN propagates); ties split the gradient. */
export const minimum = arith("minimum", "minimum");
/** Remainder with the sign of the divisor (torch.remainder, Python's %). */
export const remainder = arith("remainder", "mod");
/** Four-quadrant arctangent of a / b. */
export const atan2 = arith("atan2", "atan2", true);
/** a == b elementwise (bool). */
export const eq = compare("eq", "eq");
/** a != b elementwise (bool). */
export const ne = compare("ne", "ne");
/** a < b elementwise (bool). */
export const lt = compare("lt", "lt");
/** a <= b elementwise (bool). */
export const le = compare("le", "le");
/** a > b elementwise (bool). */
export const gt = compare("gt", "gt");
/** a >= b elementwise (bool). */
export const ge = compare("ge", "ge");
/** Logical and of the truth values (nonzero is true); bool out. */
export const logicalAnd = logical("logicalAnd", "logicalAnd");
/** Logical or of the truth values (nonzero is true); bool out. */
export const logicalOr = logical("logicalOr", "logicalOr");

/**
 * Sigmoid's gradient from its output in one pass: g·(1 − y)·y (torch's sigmoid_backward(g, y)); float32 out.
 * @example
 * sigmoidGrad(sigmoid(x), g); // = mul(g, mul(y, sub(1, y))) in one pass over memory
 */
export const sigmoidGrad = arith("sigmoidGrad", "sigmoidGrad", true);
/** Tanh's gradient from its output in one pass: g·(1 − y²) (torch's tanh_backward(g, y)); float32 out. */
export const tanhGrad = arith("tanhGrad", "tanhGrad", true);
/** ReLU's gradient from its input in one pass: g where x > 0, else 0 (torch's threshold_backward(g, x, 0)). */
export const reluGrad = arith("reluGrad", "reluGrad");
/** Exact GELU's gradient from its input in one pass: g·(Φ(x) + x·φ(x)) (torch's gelu_backward(g, x)); float32 out. */
export const geluGrad = arith("geluGrad", "geluGrad", true);
/** SiLU's gradient from its input in one pass: g·s·(1 + x·(1 − s)), s = sigmoid(x) (torch's silu_backward(g, x)); float32 out. */
export const siluGrad = arith("siluGrad", "siluGrad", true);
/**
 * The tanh-approximate GELU's gradient from its input in one pass (torch's gelu_backward(g, x, approximate="tanh"));
 * float32 out.
 * @example
 * geluTanhGrad(x, g); // = g · d/dx [0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))], one pass instead of twelve
 */
export const geluTanhGrad = arith("geluTanhGrad", "geluTanhGrad", true);

const floatUnary = (op: UnaryOp) => (x: Tensor): Tensor => {
  checkTensor(op, x);
  return applyPrim("unary", [cast(x, "float32")], { op });
};
// Like PyTorch, these keep integer dtypes and reject bool (e.g. `-mask` is an error there too).
const keepUnary = (op: UnaryOp) => (x: Tensor): Tensor => {
  checkTensor(op, x);
  if (x.dtype === "bool") throw new Error(`${op}: bool tensors are not supported${op === "neg" ? "; use logicalNot to invert a mask" : ""}`);
  return applyPrim("unary", [x], { op });
};
// Rounding is the identity on integers (and bools).
const roundUnary = (op: UnaryOp) => (x: Tensor): Tensor => {
  checkTensor(op, x);
  return x.dtype === "float32" ? applyPrim("unary", [x], { op }) : x;
};

/** -x. */
export const neg = keepUnary("neg");
/** |x|. */
export const abs = keepUnary("abs");
/** max(x, 0); the gradient at 0 is 0, as in PyTorch. */
export const relu = keepUnary("relu");
/** -1, 0 or 1 by the sign of x (0 for NaN, as torch.sign); bools pass through. */
export const sign = (x: Tensor): Tensor => {
  checkTensor("sign", x);
  return x.dtype === "bool" ? x : applyPrim("unary", [x], { op: "sign" });
};
/** eˣ. */
export const exp = floatUnary("exp");
/** Natural logarithm. */
export const log = floatUnary("log");
/** log(1 + x), accurate near 0. */
export const log1p = floatUnary("log1p");
/** eˣ - 1, accurate near 0. */
export const expm1 = floatUnary("expm1");
/** √x. */
export const sqrt = floatUnary("sqrt");
/** 1 / √x. */
export const rsqrt = floatUnary("rsqrt");
/** sin x. */
export const sin = floatUnary("sin");
/** cos x. */
export const cos = floatUnary("cos");
/** tanh x. */
export const tanh = floatUnary("tanh");
/** 1 / (1 + e⁻ˣ). */
export const sigmoid = floatUnary("sigmoid");
/** The error function. */
export const erf = floatUnary("erf");
/** Round down; integer tensors pass through. */
export const floor = roundUnary("floor");
/** Round up; integer tensors pass through. */
export const ceil = roundUnary("ceil");
/** Round half to even, as torch.round; integer tensors pass through. */
export const round = roundUnary("round");
/** Logical not of the truth values (nonzero is true); bool out. */
export const logicalNot = (x: Tensor): Tensor => {
  checkTensor("logicalNot", x);
  return applyPrim("unary", [x], { op: "logicalNot" });
};

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
  checkTensor("where", cond);
  if (cond.dtype !== "bool") throw new Error(`where: condition must be a bool tensor, got ${cond.dtype} (shape ${shapeStr(cond.shape)})`);
  checkOperand("where", a);
  checkOperand("where", b);
  broadcastShapes("where", broadcastShapes("where", cond.shape, shapeOf(a)), shapeOf(b));
  const dt = resultType(a, b);
  const like = deviceOf(a, b) ?? cond;
  return applyPrim("where", [cond, lift(a, dt, like), lift(b, dt, like)], {});
};

/**
 * Clamps into [min, max]; the gradient passes where min ≤ x ≤ max, as in PyTorch (all max when min > max).
 * @example
 * clamp(x, { min: 0, max: 6 }); // relu6
 */
export const clamp = (x: Tensor, { min, max }: { min?: number | undefined; max?: number | undefined }): Tensor => {
  checkTensor("clamp", x);
  if (min === undefined && max === undefined) throw new Error("clamp: at least one of min and max must be given");
  for (const [k, v] of [["min", min], ["max", max]] as const)
    if (v !== undefined && typeof v !== "number") throw new Error(`clamp: ${k} must be a number, got ${describe(v)}`);
  let y = x;
  if (min !== undefined) y = where(lt(y, min), min, y);
  if (max !== undefined) y = where(gt(y, max), max, y);
  return y;
};
