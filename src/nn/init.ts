// Parameter initialisers with torch.nn.init's formulas; each returns an Initializer `(key, shape) → tensor` drawing from rivulet's keys.
import * as R from "../ops/random.js";
import { full, fromTyped } from "../ops/creation.js";
import { numel, shapeStr, type Shape } from "../ops/_shape.js";
import type { Initializer } from "./Module.js";

/** The nonlinearities calculateGain knows (PyTorch's names). */
export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

const LINEAR_FNS: readonly string[] = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid"];

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); `param` is leaky_relu's negative slope.
 * @example
 * calculateGain("relu"); // √2
 */
export const calculateGain = (nonlinearity: Nonlinearity, param?: number): number => {
  if (LINEAR_FNS.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) throw new Error(`calculateGain: negative_slope ${String(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    // SELU's value keeps the variance of activations close to 1 (PyTorch's choice, from self-normalising networks).
    case "selu": return 3 / 4;
    default: throw new Error(`calculateGain: unsupported nonlinearity "${String(nonlinearity)}"`);
  }
};

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/** fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field (PyTorch's _calculate_fan_in_and_fan_out). */
export const calculateFanInAndFanOut = (shape: Shape, op = "calculateFanInAndFanOut"): Fans => {
  if (shape.length < 2)
    throw new Error(`${op}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${shapeStr(shape)})`);
  const receptive = numel(shape.slice(2));
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
};

/** Uniform on [a, b) (nn.init.uniform_). */
export const uniform = ({ a = 0, b = 1 }: { a?: number; b?: number } = {}): Initializer =>
  (key, shape) => R.uniform(key, shape, { low: a, high: b });

/** Normal with the given mean and std (nn.init.normal_). */
export const normal = ({ mean = 0, std = 1 }: { mean?: number; std?: number } = {}): Initializer =>
  (key, shape) => R.normal(key, shape, { mean, std });

/** Every element `value` (nn.init.constant_). */
export const constant = (value: number): Initializer => (_key, shape) => full(shape, value);
/** Zeros (nn.init.zeros_). */
export const zeros = (): Initializer => constant(0);
/** Ones (nn.init.ones_). */
export const ones = (): Initializer => constant(1);

/** Uniform on ±gain·√(6 / (fan_in + fan_out)) (Glorot; nn.init.xavier_uniform_). */
export const xavierUniform = ({ gain = 1 }: { gain?: number } = {}): Initializer => (key, shape) => {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shape, "xavierUniform");
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return R.uniform(key, shape, { low: -bound, high: bound });
};

/** Normal with std gain·√(2 / (fan_in + fan_out)) (Glorot; nn.init.xavier_normal_). */
export const xavierNormal = ({ gain = 1 }: { gain?: number } = {}): Initializer => (key, shape) => {
  const { fanIn, fanOut } = calculateFanInAndFanOut(shape, "xavierNormal");
  return R.normal(key, shape, { std: gain * Math.sqrt(2 / (fanIn + fanOut)) });
};

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (used when nonlinearity is "leaky_relu"); default 0. */
  readonly a?: number;
  /** Preserve the variance of activations ("fan_in", default) or of gradients ("fan_out"). */
  readonly mode?: "fan_in" | "fan_out";
  readonly nonlinearity?: Nonlinearity;
}

const kaimingStd = (op: string, shape: Shape, { a = 0, mode = "fan_in", nonlinearity = "leaky_relu" }: KaimingOptions): number => {
  if (mode !== "fan_in" && mode !== "fan_out") throw new Error(`${op}: mode must be "fan_in" or "fan_out", got "${String(mode)}"`);
  const fans = calculateFanInAndFanOut(shape, op);
  const fan = mode === "fan_in" ? fans.fanIn : fans.fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
};

/** Uniform on ±gain·√(3 / fan) (He; nn.init.kaiming_uniform_). PyTorch's Linear/Conv default is `kaimingUniform({ a: Math.sqrt(5) })`. */
export const kaimingUniform = (options: KaimingOptions = {}): Initializer => (key, shape) => {
  const std = kaimingStd("kaimingUniform", shape, options);
  // PyTorch leaves zero-element tensors alone (the bound would divide by a zero fan).
  if (numel(shape) === 0) return full(shape, 0);
  const bound = Math.sqrt(3) * std;
  return R.uniform(key, shape, { low: -bound, high: bound });
};

/** Normal with std gain / √fan (He; nn.init.kaiming_normal_). */
export const kaimingNormal = (options: KaimingOptions = {}): Initializer => (key, shape) => {
  const std = kaimingStd("kaimingNormal", shape, options);
  if (numel(shape) === 0) return full(shape, 0);
  return R.normal(key, shape, { std });
};

/**
 * A (semi-)orthogonal matrix scaled by `gain` (nn.init.orthogonal_): QR of a normal matrix with R's diagonal made
 * positive, computed on the host by modified Gram–Schmidt (applied twice for accuracy) in float64.
 */
export const orthogonal = ({ gain = 1 }: { gain?: number } = {}): Initializer => (key, shape) => {
  if (shape.length < 2) throw new Error(`orthogonal: only tensors with 2 or more dimensions are supported, got shape ${shapeStr(shape)}`);
  const rows = shape[0]!;
  const cols = rows === 0 ? 0 : numel(shape) / rows;
  if (numel(shape) === 0) return full(shape, 0);
  const src = R.randn(key, [rows, cols]).dataSync();
  // Work on a tall m×n matrix (m ≥ n) stored by columns; a wide one is transposed and transposed back.
  const wide = rows < cols;
  const [m, n] = wide ? [cols, rows] : [rows, cols];
  const q = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[wide ? i * m + j : j * m + i] = src[i * cols + j]!;
  for (let j = 0; j < n; j++) {
    const cj = j * m;
    for (let pass = 0; pass < 2; pass++)
      for (let k = 0; k < j; k++) {
        const ck = k * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[ck + i]! * q[cj + i]!;
        for (let i = 0; i < m; i++) q[cj + i] -= dot * q[ck + i]!;
      }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[cj + i]! * q[cj + i]!;
    // Gram–Schmidt makes R's diagonal (the norms) positive, which is the sign PyTorch fixes with q·sign(diag(r)).
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < m; i++) q[cj + i] *= inv;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[wide ? i * m + j : j * m + i]!;
  return fromTyped(out, shape);
};
