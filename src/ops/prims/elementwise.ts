// Rules for unary, binary, where and cast: output types and VJPs (written with public ops).
import type { PrimRule } from "../rule.js";
import type { Tensor } from "../Tensor.js";
import type { BinaryOp, UnaryOp } from "../primitive.js";
import { broadcastShapes } from "../_shape.js";
import * as E from "../elementwise.js";
import { sumToShape } from "../reduce.js";
import { isFloat } from "../dtype.js";

type UnaryVjp = (g: Tensor, x: Tensor, y: Tensor) => Tensor | null;

const unaryVjp: Record<UnaryOp, UnaryVjp> = {
  neg: (g) => E.neg(g),
  abs: (g, x) => E.mul(g, E.sign(x)),
  exp: (g, _x, y) => E.mul(g, y),
  log: (g, x) => E.div(g, x),
  log1p: (g, x) => E.div(g, E.add(x, 1)),
  expm1: (g, _x, y) => E.mul(g, E.add(y, 1)),
  sqrt: (g, _x, y) => E.div(g, E.mul(y, 2)),
  // d/dx x^(-1/2) = -1/2 · x^(-3/2) = -1/2 · y³
  rsqrt: (g, _x, y) => E.mul(g, E.mul(E.mul(y, E.mul(y, y)), -0.5)),
  sin: (g, x) => E.mul(g, E.cos(x)),
  cos: (g, x) => E.neg(E.mul(g, E.sin(x))),
  // g·(1 − y²) and g·y·(1 − y) as one fused pass each; y is the traced output, so double backward still flows through it.
  tanh: (g, _x, y) => E.tanhGrad(y, g),
  sigmoid: (g, _x, y) => E.sigmoidGrad(y, g),
  erf: (g, x) => E.mul(g, E.mul(E.exp(E.neg(E.mul(x, x))), 2 / Math.sqrt(Math.PI))),
  // PyTorch takes relu'(0) = 0; one fused pass instead of gt then where.
  relu: (g, x) => E.reluGrad(x, g),
  // The fused activations' gradients are fused too (one pass each, from the input x).
  gelu: (g, x) => E.geluGrad(x, g),
  silu: (g, x) => E.siluGrad(x, g),
  geluTanh: (g, x) => E.geluTanhGrad(x, g),
  // Piecewise-constant functions: PyTorch returns zero gradients.
  sign: () => null, floor: () => null, ceil: () => null, round: () => null, logicalNot: () => null,
};

// One cotangent function per operand, so that the rule computes only the sides that need a gradient: an operand that
// does not require one (the data, a lifted constant, a mask) costs no pass over memory. null: no gradient flows there.
type Side = ((g: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor) | null;

const half = (g: Tensor) => E.mul(g, 0.5);
const atan2Den = (a: Tensor, b: Tensor) => E.add(E.mul(a, a), E.mul(b, b));
const none: readonly [Side, Side] = [null, null];
/** φ(x) = exp(−x²/2)/√(2π), the standard normal density. */
const normalDensity = (x: Tensor) => E.mul(E.exp(E.mul(E.mul(x, x), -0.5)), 1 / Math.sqrt(2 * Math.PI));

/** The tanh-approximate GELU's constants: u = GELU_K·(x + GELU_KAPPA·x³). */
const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_KAPPA = 0.044715;

const binaryVjp: Record<BinaryOp, readonly [Side, Side]> = {
  add: [(g) => g, (g) => g],
  sub: [(g) => g, (g) => E.neg(g)],
  mul: [(g, _a, b) => E.mul(g, b), (g, a) => E.mul(g, a)],
  div: [(g, _a, b) => E.div(g, b), (g, _a, b, y) => E.neg(E.div(E.mul(g, y), b))],
  // As PyTorch: the base's gradient is 0 where the exponent is 0 (not 0 · 0⁻¹ = NaN at a = 0), and the
  // exponent's gradient is 0 where the base is 0 and the exponent non-negative.
  pow: [
    (g, a, b) => E.where(E.eq(b, 0), 0, E.mul(g, E.mul(b, E.pow(a, E.sub(b, 1))))),
    (g, a, b, y) => E.where(E.logicalAnd(E.eq(a, 0), E.ge(b, 0)), 0, E.mul(g, E.mul(y, E.log(a)))),
  ],
  // Ties split the gradient in half, as torch.maximum/minimum do.
  maximum: [
    (g, a, b) => E.where(E.gt(a, b), g, E.where(E.eq(a, b), half(g), 0)),
    (g, a, b) => E.where(E.gt(b, a), g, E.where(E.eq(a, b), half(g), 0)),
  ],
  minimum: [
    (g, a, b) => E.where(E.lt(a, b), g, E.where(E.eq(a, b), half(g), 0)),
    (g, a, b) => E.where(E.lt(b, a), g, E.where(E.eq(a, b), half(g), 0)),
  ],
  mod: [(g) => g, (g, a, b) => E.neg(E.mul(g, E.floor(E.div(a, b))))],
  atan2: [(g, a, b) => E.div(E.mul(g, b), atan2Den(a, b)), (g, a, b) => E.neg(E.div(E.mul(g, a), atan2Den(a, b)))],
  eq: none, ne: none, lt: none, le: none, gt: none, ge: none, logicalAnd: none, logicalOr: none,
  // f(y, g) = g·(1 − y)·y: ∂f/∂y = g·(1 − 2y), ∂f/∂g = (1 − y)·y (itself a sigmoidGrad of the cotangent).
  sigmoidGrad: [(c, y, g) => E.mul(E.mul(c, g), E.sub(1, E.mul(y, 2))), (c, y) => E.sigmoidGrad(y, c)],
  // f(y, g) = g·(1 − y²): ∂f/∂y = −2·g·y, ∂f/∂g = 1 − y².
  tanhGrad: [(c, y, g) => E.mul(E.mul(c, g), E.mul(y, -2)), (c, y) => E.tanhGrad(y, c)],
  // f(x, g) = g where x > 0, else 0: piecewise constant in x (zero gradient, as PyTorch's threshold_backward).
  reluGrad: [null, (c, x) => E.reluGrad(x, c)],
  // f(x, g) = g·(Φ(x) + x·φ(x)): ∂f/∂x = g·φ(x)·(2 − x²) (as φ′(x) = −x·φ(x)), ∂f/∂g = Φ(x) + x·φ(x).
  geluGrad: [(c, x, g) => E.mul(E.mul(c, g), E.mul(normalDensity(x), E.sub(2, E.mul(x, x)))), (c, x) => E.geluGrad(x, c)],
  // f(x, g) = g·s·(1 + x·(1 − s)) with s = sigmoid(x): ∂f/∂x = g·s·(1 − s)·(2 + x·(1 − 2s)), ∂f/∂g = s·(1 + x·(1 − s)).
  siluGrad: [
    (c, x, g) => {
      const s = E.sigmoid(x);
      return E.mul(E.sigmoidGrad(s, E.mul(c, g)), E.add(E.mul(x, E.sub(1, E.mul(s, 2))), 2));
    },
    (c, x) => E.siluGrad(x, c),
  ],
  // f(x, g) = g·h(x), h the tanh-approximate GELU's derivative. With u = k·(x + κx³), u′ = k·(1 + 3κx²), t = tanh(u):
  // h = ½(1 + t) + ½x(1 − t²)u′, so ∂f/∂x = g·(1 − t²)·(u′ − x·t·u′² + 3kκx²) (as d/dx (1 − t²) = −2t(1 − t²)u′),
  // and ∂f/∂g = h(x). In float32, 1 − t² cancels where |t| ≈ 1; but h′ is even (gelu(x) = x + gelu(−x), so
  // h(x) = 1 − h(−x)), so it is evaluated at z = −|x| with 1 − t² = 4s(1 − s), t = 2s − 1, s = sigmoid(2u(z)) small and exact.
  geluTanhGrad: [
    (c, x, g) => {
      const z = E.neg(E.abs(x));
      const z2 = E.mul(z, z);
      const du = E.mul(E.add(E.mul(z2, 3 * GELU_KAPPA), 1), GELU_K);
      const s = E.sigmoid(E.mul(E.add(z, E.mul(E.mul(z2, z), GELU_KAPPA)), 2 * GELU_K));
      const t = E.sub(E.mul(s, 2), 1);
      const bracket = E.add(E.sub(du, E.mul(E.mul(z, t), E.mul(du, du))), E.mul(z2, 3 * GELU_K * GELU_KAPPA));
      return E.mul(E.sigmoidGrad(s, E.mul(E.mul(c, g), 4)), bracket);
    },
    (c, x) => E.geluTanhGrad(x, c),
  ],
};

const boolOut = new Set<BinaryOp>(["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"]);

export const unary: PrimRule<"unary"> = {
  out: ([x], { op }) => ({ shape: x!.shape, dtype: op === "logicalNot" ? "bool" : x!.dtype }),
  vjp: (g, [x], y, { op }) => [unaryVjp[op](g, x!, y)],
};

export const binary: PrimRule<"binary"> = {
  out: ([a, b], { op }) => ({ shape: broadcastShapes(op, a!.shape, b!.shape), dtype: boolOut.has(op) ? "bool" : a!.dtype }),
  vjp: (g, [a, b], y, { op }) => {
    const [da, db] = binaryVjp[op];
    return [
      da && a!.requiresGrad ? sumToShape(da(g, a!, b!, y), a!.shape) : null,
      db && b!.requiresGrad ? sumToShape(db(g, a!, b!, y), b!.shape) : null,
    ];
  },
};

export const where: PrimRule<"where"> = {
  out: ([c, a, b]) => ({ shape: broadcastShapes("where", broadcastShapes("where", c!.shape, a!.shape), b!.shape), dtype: a!.dtype }),
  vjp: (g, [c, a, b]) => [
    null,
    a!.requiresGrad ? sumToShape(E.where(c!, g, 0), a!.shape) : null,
    b!.requiresGrad ? sumToShape(E.where(c!, 0, g), b!.shape) : null,
  ],
};

export const cast: PrimRule<"cast"> = {
  out: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  vjp: (g, [x]) => [isFloat(x!.dtype) && isFloat(g.dtype) ? E.cast(g, x!.dtype) : null],
};
