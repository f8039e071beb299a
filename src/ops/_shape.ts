// Shape arithmetic shared by ops and kernels: sizes, strides, broadcasting, axis normalisation.

export type Shape = readonly number[];

/** Number of elements in a tensor of this shape. */
export const numel = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** Row-major (C-contiguous) strides of a shape. */
export const stridesOf = (shape: Shape): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
};

/**
 * Advances a row-major multi-index over axes [0, n) by one and returns the change in a strided offset,
 * so kernels walk rows without building index arrays per element.
 */
export const nextIndex = (idx: Int32Array, lens: ArrayLike<number>, strides: ArrayLike<number>, n: number): number => {
  let delta = 0;
  for (let d = n - 1; d >= 0; d--) {
    idx[d]!++;
    delta += strides[d]!;
    if (idx[d]! < lens[d]!) return delta;
    delta -= strides[d]! * lens[d]!;
    idx[d] = 0;
  }
  return delta;
};

export const shapeStr = (shape: Shape): string => `[${shape.join(", ")}]`;

export const sameShape = (a: Shape, b: Shape): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** NumPy broadcasting of two shapes; throws naming the op and both shapes when they are incompatible. */
export const broadcastShapes = (op: string, a: Shape, b: Shape): number[] => {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new Error(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    out[i] = da === 1 ? db : da;
  }
  return out;
};

/** Strides for reading `shape` as if broadcast to `target` (0 along broadcast dimensions). */
export const broadcastStrides = (shape: Shape, target: Shape): number[] => {
  const own = stridesOf(shape);
  const off = target.length - shape.length;
  return target.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : own[i - off]!));
};

/** Normalises a possibly negative axis, throwing with the op name when it is out of range (a 0-d tensor takes 0 or -1, as in PyTorch). */
export const normAxis = (op: string, axis: number, ndim: number): number => {
  const n = Math.max(ndim, 1);
  const a = axis < 0 ? axis + n : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= n)
    throw new Error(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dimension${ndim === 1 ? "" : "s"}`);
  return a;
};

/** Normalises an axis list (undefined = all axes), sorted and without duplicates. */
export const normAxes = (op: string, axes: number | readonly number[] | undefined, ndim: number): number[] => {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normAxis(op, a, ndim)))].sort((x, y) => x - y);
  if (out.length !== list.length) throw new Error(`${op}: repeated axis in [${list.join(", ")}]`);
  return out;
};

export const checkShape = (op: string, shape: Shape): void => {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: invalid shape ${shapeStr(shape)} (dimensions must be non-negative integers)`);
};

/** Number of window positions along one axis (convolution/pooling output size). */
export const windowCount = (size: number, k: number, stride: number, dilation: number, padBefore: number, padAfter: number): number =>
  Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;

/**
 * Drops size-1 axes and merges neighbours that are contiguous in every operand, returning the collapsed iteration
 * shape and each operand's strides over it, so broadcasting loops (CPU) and index decoding (GPU) stay short.
 */
export const collapse = (shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } => {
  const s: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && strides.every((str, k) => st[k]![last] === str[d]! * n)) {
      s[last] = s[last]! * n;
      strides.forEach((str, k) => (st[k]![last] = str[d]!));
    } else {
      s.push(n);
      strides.forEach((str, k) => st[k]!.push(str[d]!));
    }
  }
  return { shape: s, strides: st };
};
