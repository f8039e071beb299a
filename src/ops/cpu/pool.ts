// CPU kernel for maxPoolIndices: one pass over each window of each plane, no im2col (a special case for 2×2 stride 2).
import type { CompositeKernel, OutSpec } from "../backend.js";
import type { AnyTypedArray } from "../dtype.js";
import type { WindowParams } from "../primitive.js";

type Arr = AnyTypedArray;

/**
 * 2×2 windows with stride 2 and no padding (every CNN's pooling layer): four loads per window. The first element
 * starts the scan, a later one replaces it only when greater or a NaN over a number, as in the general case.
 */
const pool2x2 = (x: Arr, o: Int32Array, planes: number, h: number, w: number, oh: number, ow: number): void => {
  for (let p = 0, q = 0; p < planes; p++) {
    const base = p * h * w;
    for (let y = 0; y < oh; y++) {
      const r0 = 2 * y * w;
      const r1 = r0 + w;
      for (let z = 0; z < ow; z++, q++) {
        const c = 2 * z;
        let bi = r0 + c;
        let best = x[base + bi]!;
        let v = x[base + r0 + c + 1]!;
        if (v > best || (v !== v && best === best)) best = v, bi = r0 + c + 1;
        v = x[base + r1 + c]!;
        if (v > best || (v !== v && best === best)) best = v, bi = r1 + c;
        v = x[base + r1 + c + 1]!;
        if (v > best || (v !== v && best === best)) bi = r1 + c + 1;
        o[q] = bi;
      }
    }
  }
};

/** Per output position along one axis: the first and one-past-last kernel taps inside [0, size). */
const taps = (out: number, size: number, k: number, s: number, d: number, before: number): { lo: Int32Array; hi: Int32Array; start: Int32Array } => {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const start = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    const s0 = i * s - before;
    start[i] = s0;
    lo[i] = s0 >= 0 ? 0 : Math.ceil(-s0 / d);
    hi[i] = Math.min(k, Math.ceil((size - s0) / d));
  }
  return { lo, hi, start };
};

/**
 * Any geometry: each window scans its in-input taps in row-major order, starting from the first (the padding is
 * -∞, which never replaces anything, so PyTorch's scan from -∞ at the first input position ends the same way).
 */
const poolAny = (x: Arr, o: Int32Array, planes: number, h: number, w: number, oh: number, ow: number, p: WindowParams): void => {
  const [kh, kw] = p.kernel;
  const [dh, dw] = p.dilation;
  const rows = taps(oh, h, kh, p.stride[0], dh, p.padding[0]);
  const cols = taps(ow, w, kw, p.stride[1], dw, p.padding[2]);
  for (let pl = 0, q = 0; pl < planes; pl++) {
    const base = pl * h * w;
    for (let y = 0; y < oh; y++) {
      const i0 = rows.lo[y]!, i1 = rows.hi[y]!, h0 = rows.start[y]!;
      for (let z = 0; z < ow; z++, q++) {
        const j0 = cols.lo[z]!, j1 = cols.hi[z]!, w0 = cols.start[z]!;
        let bi = (h0 + i0 * dh) * w + w0 + j0 * dw;
        let best = x[base + bi]!;
        for (let i = i0; i < i1; i++) {
          const row = (h0 + i * dh) * w + w0;
          for (let j = j0; j < j1; j++) {
            const at = row + j * dw;
            const v = x[base + at]!;
            if (v > best || (v !== v && best === best)) best = v, bi = at;
          }
        }
        o[q] = bi;
      }
    }
  }
};

export const maxPoolIndices: CompositeKernel<Arr, "maxPoolIndices"> = ([x], p, out: OutSpec) => {
  const [n, c, h, w] = x!.shape as [number, number, number, number];
  const [oh, ow] = [out.shape[2]!, out.shape[3]!];
  const o = new Int32Array(n * c * oh * ow);
  if (o.length === 0) return o;
  const plain = p.padding.every((v) => v === 0) && p.dilation[0] === 1 && p.dilation[1] === 1;
  if (plain && p.kernel[0] === 2 && p.kernel[1] === 2 && p.stride[0] === 2 && p.stride[1] === 2) pool2x2(x!.data, o, n * c, h, w, oh, ow);
  else poolAny(x!.data, o, n * c, h, w, oh, ow, p);
  return o;
};
