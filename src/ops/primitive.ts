// The closed set of primitives (every backend implements the core ones, composites are optional); all ops are written against these (tinygrad/jax lax style).
import type { DType } from "./dtype.js";
import type { Shape } from "./_shape.js";

export type UnaryOp =
  | "neg" | "abs" | "sign" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt"
  | "sin" | "cos" | "tanh" | "sigmoid" | "erf" | "relu" | "floor" | "ceil" | "round" | "logicalNot"
  // Fused activations (one pass instead of three to five): exact GELU x·Φ(x) and SiLU x·sigmoid(x).
  | "gelu" | "silu"
  // GELU's tanh approximation (PyTorch's approximate="tanh", GPT-2's gelu_new): one pass instead of eight.
  | "geluTanh";

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "mod" | "atan2"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr"
  // Fused activation gradients (a = the activation's output y, or its input x for relu; b = the incoming gradient g).
  | "sigmoidGrad" | "tanhGrad" | "reluGrad"
  // Their gradients from the input x (a) and the incoming gradient g (b).
  | "geluGrad" | "siluGrad" | "geluTanhGrad";

export type ReduceOp = "sum" | "prod" | "max" | "min";
export type ArgReduceOp = "argmax" | "argmin";

/** A counter-based RNG key: two 32-bit words (JAX's Threefry-2x32 layout). */
export type KeyData = readonly [number, number];

/** Window geometry shared by unfold (im2col) and fold (col2im) over NCHW tensors. */
export interface WindowParams {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** Padding as [top, bottom, left, right]; bottom/right may exceed top/left (ceil mode). */
  readonly padding: readonly [number, number, number, number];
}

/** Geometry of the convolution primitives over NCHW tensors (x [N, Cin, H, W], w [Cout, Cin/groups, kh, kw]). */
export interface ConvParams {
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  /** Zero padding as [top, bottom, left, right]; bottom/right may be below top/left (transposed convolutions). */
  readonly padding: readonly [number, number, number, number];
  readonly groups: number;
}

/** Parameters of each primitive. Inputs are positional tensors; everything static lives here. */
export interface PrimParams {
  /** Elementwise f(x). */
  unary: { readonly op: UnaryOp };
  /** Elementwise f(a, b) with NumPy broadcasting; inputs already share the output dtype (comparisons: bool out). */
  binary: { readonly op: BinaryOp };
  /** where(cond, a, b), broadcasting all three. */
  where: Record<string, never>;
  /** Converts to another dtype (float→int truncates toward zero, like PyTorch). */
  cast: { readonly dtype: DType };
  /** Reduces the given (sorted, distinct) axes, keeping them as size-1 dimensions. */
  reduce: { readonly op: ReduceOp; readonly axes: readonly number[] };
  /** Index of the max/min along one axis (kept as size 1), first occurrence on ties; int32 out. */
  argReduce: { readonly op: ArgReduceOp; readonly axis: number };
  /** Inclusive cumulative sum along an axis, optionally from the end. */
  cumsum: { readonly axis: number; readonly reverse: boolean };
  /** Same elements, new shape (free on contiguous storage). */
  reshape: { readonly shape: Shape };
  /** Axis permutation (a copy). */
  permute: { readonly perm: readonly number[] };
  /** Broadcast to a larger shape (a copy). */
  expand: { readonly shape: Shape };
  /** Strided slice per axis: begin inclusive, end exclusive, step ≠ 0 (negative walks backwards). */
  slice: { readonly begin: readonly number[]; readonly end: readonly number[]; readonly step: readonly number[] };
  /** Constant padding with [before, after] per axis. */
  pad: { readonly widths: readonly (readonly [number, number])[]; readonly value: number };
  /** Concatenation of all inputs along an axis. */
  concat: { readonly axis: number };
  /** out[i][j][k] = x[i][idx[i][j][k]][k] along `axis` (torch.gather); idx is int32 of the output's shape. */
  gather: { readonly axis: number };
  /** Adjoint of gather: zeros of `shape`, then out[..idx..] += src. Inputs (src, idx). */
  scatterAdd: { readonly axis: number; readonly shape: Shape };
  /** Selects whole slices along `axis` by a 1-D int32 index (torch.index_select). */
  indexSelect: { readonly axis: number };
  /** Adjoint of indexSelect: zeros of `shape`, then slices of src are added at idx along `axis`. Inputs (src, idx). */
  indexAdd: { readonly axis: number; readonly shape: Shape };
  /** Batched matmul of [B|1, M, K] by [B|1, K, N] (each optionally stored transposed in its last two axes). */
  matmul: { readonly transA: boolean; readonly transB: boolean };
  /** im2col of NCHW input: [N, C, H, W] → [N, C·kh·kw, OH·OW], padded with `value`. */
  unfold: WindowParams & { readonly value: number };
  /** col2im, the adjoint of unfold: [N, C·kh·kw, OH·OW] → [N, C, H, W] summing overlaps. */
  fold: WindowParams & { readonly size: readonly [number, number] };
  /** Convolution (cross-correlation) x [N, Cin, H, W] ⊛ w [Cout, Cin/G, kh, kw] → [N, Cout, OH, OW] (composite). */
  conv: ConvParams;
  /** Gradient of conv with respect to x (and convTranspose): (g [N, Cout, OH, OW], w) → [N, Cin, H, W] (composite). */
  convInputGrad: ConvParams & { readonly size: readonly [number, number] };
  /** Gradient of conv with respect to w, summed over the batch: (x, g) → [Cout, Cin/G, kh, kw] (composite). */
  convWeightGrad: ConvParams & { readonly kernel: readonly [number, number] };
  /** Uniform float32 in [0, 1) from a counter-based key (nullary). */
  uniform: { readonly key: KeyData; readonly shape: Shape };
  /** Indices that sort along an axis (stable); int32 out. */
  argsort: { readonly axis: number; readonly descending: boolean };
  /**
   * Max-pooling argmax of x [N, C, H, W] over -∞-padded windows → int32 [N, C, OH, OW], the flat position h·W + w of
   * each window's first maximum in scan order (a NaN wins; a window of -∞ gives its first input position) (composite).
   */
  maxPoolIndices: WindowParams;
}

export type Prim = keyof PrimParams;

/**
 * Composite primitives: each has a decomposition into the others (its rule's `decompose`), so a backend may leave
 * its kernel out, or decline a call by returning null, and the decomposition runs instead.
 */
export type CompositePrim = "conv" | "convInputGrad" | "convWeightGrad" | "maxPoolIndices";

/** The primitives every backend must implement. */
export type CorePrim = Exclude<Prim, CompositePrim>;
