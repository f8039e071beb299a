// The immutable Tensor value: shape, dtype, device, opaque storage, and (inside `grad`) the node that made it.
import type { Backend } from "./backend.js";
import { copyOut, type AnyTypedArray, type DType } from "./dtype.js";
import type { Prim } from "./primitive.js";
import { numel, type Shape } from "./_shape.js";
import * as E from "./elementwise.js";
import * as R from "./reduce.js";
import * as L from "./layout.js";
import * as M from "./linalg.js";
import * as A from "./activation.js";
import * as S from "./slicing.js";
import * as J from "./join.js";
import * as I from "./indexing.js";
import * as Tri from "./triangular.js";
import * as Rep from "./repeat.js";
import { formatTensor } from "./format.js";

/** How a tensor was computed, kept only while differentiating. */
export interface Node {
  readonly prim: Prim;
  readonly inputs: readonly Tensor[];
  readonly params: unknown;
}

/** A nested JS array of numbers (or booleans), as `tolist()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | readonly NestedArray[];

type Scalar = Tensor | number | boolean;
type Axes = number | readonly number[];

/**
 * An n-dimensional array. Immutable: every op returns a new tensor.
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * x.matmul(x).sum().item(); // 54
 */
export class Tensor {
  readonly shape: Shape;
  readonly size: number;

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) rather than this constructor. */
  constructor(
    /** Backend storage (a typed array on CPU, a GPU buffer on WebGPU). */
    readonly storage: unknown,
    shape: Shape,
    readonly dtype: DType,
    readonly device: Backend,
    /** @internal */ readonly node: Node | null = null,
    /** True for tensors being differentiated and everything computed from them. */
    readonly requiresGrad: boolean = false,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = numel(shape);
    Object.freeze(this);
  }

  get ndim(): number {
    return this.shape.length;
  }

  // ---- readback -------------------------------------------------------------------------------

  /** The elements as a flat typed array (synchronous; CPU only). */
  dataSync(): AnyTypedArray {
    const read = this.device.readSync;
    if (!read) throw new Error(`dataSync: tensors on ${this.device.name} can only be read asynchronously; use await t.data()`);
    return copyOut(read.call(this.device, this.storage, this.dtype, this.size));
  }

  /** The elements as a flat typed array (asynchronous; every device). */
  async data(): Promise<AnyTypedArray> {
    return copyOut(await this.device.read(this.storage, this.dtype, this.size));
  }

  /** The elements as nested JS arrays, like PyTorch's `tolist()` (synchronous; CPU only). */
  tolist(): NestedArray {
    return nest(this.dataSync(), this.shape, this.dtype);
  }

  /** Nested JS arrays, read asynchronously (every device). */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  /** This tensor on `device` (synchronous from the CPU; a GPU tensor is read back asynchronously: `await toDevice(t, device)`). */
  to(device: Backend): Tensor {
    if (device === this.device) return this;
    const read = this.device.readSync;
    if (!read) throw new Error(`to: a tensor on ${this.device.name} can only be read back asynchronously; use await toDevice(t, device)`);
    return new Tensor(device.upload(read.call(this.device, this.storage, this.dtype, this.size), this.dtype), this.shape, this.dtype, device);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item: only one-element tensors can be converted to a number, got shape [${this.shape.join(", ")}]`);
    return this.dataSync()[0]!;
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.device.readSync ? formatTensor(this) : `Tensor(shape=[${this.shape.join(", ")}], dtype=${this.dtype}, device=${this.device.name})`;
  }

  // ---- elementwise ----------------------------------------------------------------------------

  add(other: Scalar, opts?: E.AlphaOptions): Tensor { return E.add(this, other, opts); }
  sub(other: Scalar, opts?: E.AlphaOptions): Tensor { return E.sub(this, other, opts); }
  mul(other: Scalar): Tensor { return E.mul(this, other); }
  div(other: Scalar): Tensor { return E.div(this, other); }
  pow(other: Scalar): Tensor { return E.pow(this, other); }
  maximum(other: Scalar): Tensor { return E.maximum(this, other); }
  minimum(other: Scalar): Tensor { return E.minimum(this, other); }
  eq(other: Scalar): Tensor { return E.eq(this, other); }
  ne(other: Scalar): Tensor { return E.ne(this, other); }
  lt(other: Scalar): Tensor { return E.lt(this, other); }
  le(other: Scalar): Tensor { return E.le(this, other); }
  gt(other: Scalar): Tensor { return E.gt(this, other); }
  ge(other: Scalar): Tensor { return E.ge(this, other); }
  neg(): Tensor { return E.neg(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  square(): Tensor { return E.square(this); }
  sin(): Tensor { return E.sin(this); }
  cos(): Tensor { return E.cos(this); }
  tanh(): Tensor { return E.tanh(this); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  relu(): Tensor { return E.relu(this); }
  clamp(min?: number, max?: number): Tensor { return E.clamp(this, { min, max }); }
  astype(dtype: DType): Tensor { return E.cast(this, dtype); }

  // ---- reductions -----------------------------------------------------------------------------

  sum(axis?: Axes, opts?: { keepdim?: boolean }): Tensor { return R.sum(this, axis, opts); }
  mean(axis?: Axes, opts?: { keepdim?: boolean }): Tensor { return R.mean(this, axis, opts); }
  prod(axis?: Axes, opts?: { keepdim?: boolean }): Tensor { return R.prod(this, axis, opts); }
  /** torch.max: of all elements, or `{ values, indices }` along one `dim` (an axis list reduces like `amax`). */
  max(): Tensor;
  max(dim: number, opts?: { keepdim?: boolean }): R.ValuesIndices;
  /** @deprecated An axis list reduces like `amax`; call `amax` for that. */
  max(axes: readonly number[] | undefined, opts?: { keepdim?: boolean }): Tensor;
  // The two branches call different overloads of R.max (one dim, or an axis list), so the check stays.
  max(axis?: Axes, opts?: { keepdim?: boolean }): Tensor | R.ValuesIndices { return typeof axis === "number" ? R.max(this, axis, opts) : R.max(this, axis, opts); }
  /** torch.min: of all elements, or `{ values, indices }` along one `dim` (an axis list reduces like `amin`). */
  min(): Tensor;
  min(dim: number, opts?: { keepdim?: boolean }): R.ValuesIndices;
  /** @deprecated An axis list reduces like `amin`; call `amin` for that. */
  min(axes: readonly number[] | undefined, opts?: { keepdim?: boolean }): Tensor;
  min(axis?: Axes, opts?: { keepdim?: boolean }): Tensor | R.ValuesIndices { return typeof axis === "number" ? R.min(this, axis, opts) : R.min(this, axis, opts); }
  /** Maximum over one or several axes (all when omitted), ties sharing the gradient (torch.amax). */
  amax(axis?: Axes, opts?: { keepdim?: boolean }): Tensor { return R.amax(this, axis, opts); }
  /** Minimum over one or several axes (all when omitted), ties sharing the gradient (torch.amin). */
  amin(axis?: Axes, opts?: { keepdim?: boolean }): Tensor { return R.amin(this, axis, opts); }
  argmax(axis?: number, opts?: { keepdim?: boolean }): Tensor { return R.argmax(this, axis, opts); }
  argmin(axis?: number, opts?: { keepdim?: boolean }): Tensor { return R.argmin(this, axis, opts); }
  softmax(axis = -1): Tensor { return A.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return A.logSoftmax(this, axis); }

  // ---- layout ---------------------------------------------------------------------------------

  reshape(...shape: number[] | [readonly number[]]): Tensor { return L.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return L.reshape(this, flatArgs(shape)); }
  flatten(startDim = 0, endDim = -1): Tensor { return L.flatten(this, startDim, endDim); }
  transpose(dim0 = -2, dim1 = -1): Tensor { return L.transpose(this, dim0, dim1); }
  permute(...perm: number[] | [readonly number[]]): Tensor { return L.permute(this, flatArgs(perm)); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return L.expand(this, flatArgs(shape)); }
  squeeze(axis?: Axes): Tensor { return L.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return L.unsqueeze(this, axis); }
  /** The matrix transpose of a 2-D tensor (all axes reversed otherwise, like PyTorch's `.T`). */
  get T(): Tensor { return L.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); }

  // ---- slicing and indexing -------------------------------------------------------------------

  /** Python-style indexing, one spec per leading axis: `x.slice(0, null, [1, null, 2])` is `x[0, :, 1::2]`. */
  slice(...specs: S.SliceSpec[]): Tensor { return S.slice(this, specs); }
  narrow(dim: number, start: number, length: number): Tensor { return S.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return S.select(this, dim, index); }
  flip(...dims: number[] | [readonly number[]]): Tensor { return S.flip(this, flatArgs(dims)); }
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] { return J.split(this, sizeOrSections, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return J.chunk(this, chunks, axis); }
  gather(axis: number, index: Tensor): Tensor { return I.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor): Tensor { return I.indexSelect(this, axis, index); }
  sort(opts?: I.SortOptions): I.SortResult { return I.sort(this, opts); }
  argsort(opts?: I.SortOptions): Tensor { return I.argsort(this, opts); }
  topk(k: number, opts?: I.TopkOptions): I.SortResult { return I.topk(this, k, opts); }
  triu(diagonal = 0): Tensor { return Tri.triu(this, diagonal); }
  tril(diagonal = 0): Tensor { return Tri.tril(this, diagonal); }
  repeat(...repeats: number[] | [readonly number[]]): Tensor { return Rep.repeat(this, flatArgs(repeats)); }

  // ---- linear algebra -------------------------------------------------------------------------

  matmul(other: Tensor): Tensor { return M.matmul(this, other); }
}

const flatArgs = (a: number[] | [readonly number[]]): readonly number[] =>
  a.length === 1 && Array.isArray(a[0]) ? (a[0] as readonly number[]) : (a as number[]);

const nest = (flat: AnyTypedArray, shape: Shape, dtype: DType): NestedArray => {
  const conv = (v: number): number | boolean => (dtype === "bool" ? v !== 0 : v);
  if (shape.length === 0) return conv(flat[0]!);
  const rec = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim]!;
    const inner = numel(shape.slice(dim + 1));
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++)
      out[i] = dim === shape.length - 1 ? conv(flat[offset + i]!) : rec(offset + i * inner, dim + 1);
    return out;
  };
  return rec(0, 0);
};
