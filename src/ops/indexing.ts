// Indexing by index tensors: gather/takeAlongDim, indexSelect, scatterAdd, and sorting (sort, argsort, topk) with torch semantics.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { normAxis, shapeStr } from "./_shape.js";
import { add } from "./elementwise.js";
import { expand, reshape } from "./layout.js";
import { sliceAxis } from "./slicing.js";

/** Index tensors are int32; anything else is a mistake worth naming. */
const checkIndexTensor = (op: string, index: Tensor): void => {
  if (index.dtype !== "int32")
    throw new Error(`${op}: index must be an int32 tensor, got ${index.dtype} (shape ${shapeStr(index.shape)})`);
};

// A 0-d tensor behaves like a 1-element vector for indexing (as in PyTorch), so kernels see ndim ≥ 1
// and axis 0 or -1 is valid for it.
const atLeast1d = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1]) : t);
const axisOf = (op: string, axis: number, x: Tensor): number => normAxis(op, axis, Math.max(x.ndim, 1));

/**
 * Picks along `axis` by an index of the same rank: out[i][j] = x[i][index[i][j]] for axis 1 (torch.gather).
 * @example
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: "int32" })); // [[1, 1], [4, 3]]
 */
export const gather = (x: Tensor, axis: number, index: Tensor): Tensor => {
  checkIndexTensor("gather", index);
  const a = axisOf("gather", axis, x);
  if (Math.max(index.ndim, 1) !== Math.max(x.ndim, 1))
    throw new Error(`gather: index shape ${shapeStr(index.shape)} must have as many dimensions as input shape ${shapeStr(x.shape)}`);
  const xs = atLeast1d(x);
  const ix = atLeast1d(index);
  if (ix.shape.some((d, i) => i !== a && d > xs.shape[i]!))
    throw new Error(`gather: index shape ${shapeStr(index.shape)} is larger than input shape ${shapeStr(x.shape)} outside dimension ${axis}`);
  const out = applyPrim("gather", [xs, ix], { axis: a });
  return index.ndim === 0 ? reshape(out, []) : out;
};

/**
 * Gathers along `axis` after broadcasting x and indices against each other except on that axis;
 * without an axis, indexes the flattened tensor (torch.take_along_dim).
 */
export const takeAlongDim = (x: Tensor, indices: Tensor, axis?: number): Tensor => {
  checkIndexTensor("takeAlongDim", indices);
  let [xb, ib, a] = [reshape(x, [x.size]), reshape(indices, [indices.size]), 0];
  if (axis !== undefined) {
    a = normAxis("takeAlongDim", axis, x.ndim);
    if (indices.ndim !== x.ndim)
      throw new Error(`takeAlongDim: indices shape ${shapeStr(indices.shape)} must have as many dimensions as input shape ${shapeStr(x.shape)}`);
    const shape = x.shape.map((d, i) => {
      const e = indices.shape[i]!;
      if (i === a) return d;
      if (d !== e && d !== 1 && e !== 1)
        throw new Error(`takeAlongDim: shapes ${shapeStr(x.shape)} and ${shapeStr(indices.shape)} cannot be broadcast outside dimension ${axis}`);
      return Math.max(d, e);
    });
    xb = expand(x, shape);
    ib = expand(indices, shape.map((d, i) => (i === a ? indices.shape[a]! : d)));
  }
  try {
    return gather(xb, a, ib);
  } catch (e) {
    // The kernel reports a bad index under the primitive's name; report it under this op's.
    if (e instanceof Error && e.message.startsWith("gather: ")) throw new Error(`takeAlongDim: ${e.message.slice(8)}`);
    throw e;
  }
};

/** Whole slices along `axis` at the positions in a 1-D index, repeats allowed (torch.index_select). */
export const indexSelect = (x: Tensor, axis: number, index: Tensor): Tensor => {
  checkIndexTensor("indexSelect", index);
  if (index.ndim > 1) throw new Error(`indexSelect: index must be 0-D or 1-D, got shape ${shapeStr(index.shape)}`);
  const a = axisOf("indexSelect", axis, x);
  const out = applyPrim("indexSelect", [atLeast1d(x), atLeast1d(index)], { axis: a });
  return x.ndim === 0 ? reshape(out, []) : out;
};

/**
 * x plus src added at the positions `index` names along `axis`; repeated positions accumulate (torch.scatter_add).
 * Only the index-shaped corner of src is used, as in PyTorch.
 */
export const scatterAdd = (x: Tensor, axis: number, index: Tensor, src: Tensor): Tensor => {
  checkIndexTensor("scatterAdd", index);
  const a = axisOf("scatterAdd", axis, x);
  if (src.dtype !== x.dtype) throw new Error(`scatterAdd: src dtype ${src.dtype} must match input dtype ${x.dtype}`);
  const nd = Math.max(x.ndim, 1);
  if (Math.max(index.ndim, 1) !== nd || Math.max(src.ndim, 1) !== nd)
    throw new Error(`scatterAdd: input ${shapeStr(x.shape)}, index ${shapeStr(index.shape)} and src ${shapeStr(src.shape)} must have the same number of dimensions`);
  const [xs, ix, s] = [atLeast1d(x), atLeast1d(index), atLeast1d(src)];
  if (ix.shape.some((d, i) => d > s.shape[i]! || (i !== a && d > xs.shape[i]!)))
    throw new Error(`scatterAdd: index shape ${shapeStr(index.shape)} must not exceed src shape ${shapeStr(src.shape)}, nor input shape ${shapeStr(x.shape)} outside dimension ${axis}`);
  const corner = ix.shape.some((d, i) => d !== s.shape[i])
    ? applyPrim("slice", [s], { begin: s.shape.map(() => 0), end: [...ix.shape], step: s.shape.map(() => 1) })
    : s;
  const scattered = applyPrim("scatterAdd", [corner, ix], { axis: a, shape: xs.shape });
  return add(x, x.ndim === 0 ? reshape(scattered, []) : scattered);
};

export interface SortOptions {
  /** Axis to sort along (default -1). */
  readonly axis?: number;
  /** Largest first (default false); ties keep their original order either way. */
  readonly descending?: boolean;
}

/** Sorted values and the indices they came from (int32). */
export interface SortResult {
  readonly values: Tensor;
  readonly indices: Tensor;
}

/**
 * Indices that sort `x` along `axis`; stable (equal values keep their order), NaN counted largest.
 * @example
 * argsort(tensor([3, 1, 2])); // tensor([1, 2, 0])
 */
export const argsort = (x: Tensor, { axis = -1, descending = false }: SortOptions = {}): Tensor => {
  const a = axisOf("argsort", axis, x);
  return applyPrim("argsort", [x], { axis: a, descending });
};

/**
 * Sorts along `axis` (stable, like torch.sort(stable=True)); gradients flow to `values` through a gather.
 * @example
 * const { values, indices } = sort(x, { descending: true });
 */
export const sort = (x: Tensor, { axis = -1, descending = false }: SortOptions = {}): SortResult => {
  const a = axisOf("sort", axis, x);
  const indices = applyPrim("argsort", [x], { axis: a, descending });
  return { values: gather(x, a, indices), indices };
};

export interface TopkOptions {
  /** Axis to search along (default -1). */
  readonly axis?: number;
  /** The k largest (default) or the k smallest. */
  readonly largest?: boolean;
}

/**
 * The k largest (or smallest) values along `axis`, in sorted order, with their indices (torch.topk);
 * among equal values the lower index comes first.
 * @example
 * topk(logits, 5).indices; // the top-5 classes
 */
export const topk = (x: Tensor, k: number, { axis = -1, largest = true }: TopkOptions = {}): SortResult => {
  const a = axisOf("topk", axis, x);
  const n = x.shape[a] ?? 1;
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new Error(`topk: k = ${k} is out of range for dimension ${axis} of size ${n} (shape ${shapeStr(x.shape)})`);
  const order = applyPrim("argsort", [x], { axis: a, descending: largest });
  const indices = x.ndim === 0 || k === n ? order : sliceAxis(order, a, 0, k);
  return { values: gather(x, a, indices), indices };
};
