// CPU kernels that move elements without arithmetic: reshape (free), permute, expand.
import type { Kernel } from "../backend.js";
import { allocUninit, type AnyTypedArray } from "../dtype.js";
import { numel, stridesOf } from "../_shape.js";

type Arr = AnyTypedArray;

// Storage is immutable once a tensor owns it, so a reshape can share it.
export const reshape: Kernel<Arr, "reshape"> = ([x]) => x!.data;

export const permute: Kernel<Arr, "permute"> = ([x], { perm }, out) => {
  const src = x!.data;
  const o = allocUninit(out.dtype, src.length); // writes every element
  const nd = perm.length;
  if (nd === 0 || src.length === 0) { o.set(src); return o; }
  const inStrides = stridesOf(x!.shape);
  const st = perm.map((p) => inStrides[p]!);
  const shape = out.shape;
  const inner = shape[nd - 1]!;
  const is = st[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let p = 0; p < o.length; p += inner) {
    for (let j = 0; j < inner; j++) o[p + j] = src[off + j * is]!;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      off += st[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return o;
};

/** Writes `v` to o[at, at + n): a loop for the short rows of pooling windows, where a fill() call costs more than it saves. */
const fillRun = (o: Arr, v: number, at: number, n: number): void => {
  if (n < 32) for (let i = 0; i < n; i++) o[at + i] = v;
  else o.fill(v, at, at + n);
};

/** Copies src[from, from + n) to o[at, …), by element for short rows. */
const copyRun = (src: Arr, from: number, o: Arr, at: number, n: number): void => {
  if (n < 32) for (let i = 0; i < n; i++) o[at + i] = src[from + i]!;
  else o.set(src.subarray(from, from + n), at);
};

/** Repeats the block o[at, at + block) `times` times in place: short spans by element, long ones doubling the copied span (log₂ copyWithin calls). */
const repeatBlock = (o: Arr, at: number, block: number, times: number): void => {
  const total = block * times;
  if (total <= 256) {
    // A pooling window's rows: an element loop beats a builtin call per few elements.
    for (let t = at + block, end = at + total; t < end; t++) o[t] = o[t - block]!;
    return;
  }
  for (let done = block; done < total; done += Math.min(done, total - done)) o.copyWithin(at + done, at, at + Math.min(done, total - done));
};

/**
 * Broadcast copy over merged runs: a kept run walks its input rows, a broadcast run writes its first copy and then
 * repeats it with copyWithin; the last two runs are one leaf, so a short broadcast axis (a pooling window) is a plain loop.
 */
const expandRuns = (src: Arr, o: Arr, dims: readonly number[], bcast: readonly boolean[], inStride: readonly number[], outBlock: readonly number[], d: number, si: number, oi: number): void => {
  const n = dims[d]!;
  if (d === dims.length - 1) {
    if (bcast[d]) fillRun(o, src[si]!, oi, n);
    else copyRun(src, si, o, oi, n);
  } else if (bcast[d]) {
    expandRuns(src, o, dims, bcast, inStride, outBlock, d + 1, si, oi);
    repeatBlock(o, oi, outBlock[d]!, n);
  } else if (d === dims.length - 2 && bcast[d + 1]) {
    const k = dims[d + 1]!;
    for (let q = 0; q < n; q++) fillRun(o, src[si + q]!, oi + q * k, k);
  } else for (let q = 0; q < n; q++) expandRuns(src, o, dims, bcast, inStride, outBlock, d + 1, si + q * inStride[d]!, oi + q * outBlock[d]!);
};

export const expand: Kernel<Arr, "expand"> = ([x], { shape }, out) => {
  const o = allocUninit(out.dtype, numel(shape)); // writes every element
  const src = x!.data;
  if (o.length === 0) return o;
  // Output axes as alternating runs of kept and broadcast axes (size-1 output axes dropped, neighbours merged).
  const lead = shape.length - x!.shape.length;
  const dims: number[] = [];
  const bcast: boolean[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const b = i < lead || x!.shape[i - lead] === 1;
    if (bcast.length > 0 && bcast[bcast.length - 1] === b) dims[dims.length - 1]! *= d;
    else dims.push(d), bcast.push(b);
  });
  if (!bcast.includes(true)) {
    o.set(src);
    return o;
  }
  const inStride = new Array<number>(dims.length).fill(1);
  const outBlock = new Array<number>(dims.length).fill(1);
  for (let d = dims.length - 2; d >= 0; d--) {
    inStride[d] = inStride[d + 1]! * (bcast[d + 1] ? 1 : dims[d + 1]!);
    outBlock[d] = outBlock[d + 1]! * dims[d + 1]!;
  }
  expandRuns(src, o, dims, bcast, inStride, outBlock, 0, 0, 0);
  return o;
};
