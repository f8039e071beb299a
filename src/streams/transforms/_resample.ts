// Resampling kernels: torch's bilinear (with and without antialias) on float planes, PIL's fixed-point bilinear on bytes, and both nearest rules.

/** For each output index, `k` input indices and their weights (unused taps have weight 0). */
export interface Taps {
  readonly k: number;
  readonly index: Int32Array;
  readonly weight: Float64Array;
}

const f32 = Math.fround;
const triangle = (x: number): number => (x < 0 ? (x > -1 ? 1 + x : 0) : x < 1 ? 1 - x : 0);

/**
 * The antialiased triangle filter of PIL's ImagingResample and torch's _upsample_bilinear2d_aa: when shrinking,
 * the filter's support grows with the shrink factor so every input pixel contributes; weights are normalised per output.
 * torch computes in float32 (`float32`), PIL in double.
 */
export const antialiasTaps = (inSize: number, outSize: number, float32: boolean): Taps => {
  const r = float32 ? f32 : (v: number) => v;
  const scale = r(inSize / outSize);
  const support = scale >= 1 ? scale : 1;
  const invScale = scale >= 1 ? r(1 / scale) : 1;
  const k = Math.ceil(support) * 2 + 1;
  const index = new Int32Array(outSize * k);
  const weight = new Float64Array(outSize * k);
  for (let o = 0; o < outSize; o++) {
    const center = r(scale * (o + 0.5));
    // Both truncate toward zero here (C casts), and clamp to the image.
    const lo = Math.max(Math.trunc(r(center - support + 0.5)), 0);
    const n = Math.min(Math.trunc(r(center + support + 0.5)), inSize) - lo;
    let total = 0;
    for (let j = 0; j < n; j++) {
      const w = r(triangle(r((j + lo - center + 0.5) * invScale)));
      weight[o * k + j] = w;
      total = r(total + w);
    }
    for (let j = 0; j < n; j++) {
      index[o * k + j] = lo + j;
      if (total !== 0) weight[o * k + j] = r(weight[o * k + j]! / total);
    }
  }
  return { k, index, weight };
};

/** torch's bilinear without antialias (align_corners=False): source (o + ½)·scale − ½ clamped at 0, two float32 weights. */
export const linearTaps = (inSize: number, outSize: number): Taps => {
  const scale = f32(inSize / outSize);
  const index = new Int32Array(outSize * 2);
  const weight = new Float64Array(outSize * 2);
  for (let o = 0; o < outSize; o++) {
    // The source coordinate stays in double (torch computes it from the float32 scale without rounding it).
    const src = Math.max(0, scale * (o + 0.5) - 0.5);
    const i0 = Math.trunc(src);
    const l1 = Math.min(Math.max(f32(src - i0), 0), 1);
    // Listed far tap first: torch's t0·w0 + t1·w1 compiles to fma(t0, w0, t1·w1), i.e. the near tap accumulated last.
    index[2 * o] = i0 < inSize - 1 ? i0 + 1 : i0;
    index[2 * o + 1] = i0;
    weight[2 * o] = l1;
    weight[2 * o + 1] = f32(1 - l1);
  }
  return { k: 2, index, weight };
};

/** torch's "nearest" source indices: floor(o · scale) in float32, with exact ×1 and ×2 special cases. */
export const nearestTorch = (inSize: number, outSize: number): Int32Array => {
  const scale = f32(inSize / outSize);
  return Int32Array.from({ length: outSize }, (_, o) =>
    outSize === inSize ? o : outSize === 2 * inSize ? o >> 1 : Math.min(Math.floor(f32(o * scale)), inSize - 1),
  );
};

/** PIL's NEAREST resize (ImagingScaleAffine): pixel centres stepped by an accumulated double, then truncated. */
export const nearestPil = (inSize: number, outSize: number): Int32Array => {
  const step = inSize / outSize;
  const out = new Int32Array(outSize);
  let pos = step * 0.5;
  for (let o = 0; o < outSize; o++, pos += step) out[o] = Math.min(Math.trunc(pos), inSize - 1);
  return out;
};

/**
 * Separable resampling of `planes` float planes h × w (CHW): the width pass, then the height pass, as torch's
 * separable kernel runs them; `null` taps skip a pass whose size does not change.
 */
export const resamplePlanes = (src: Float32Array, planes: number, h: number, w: number, rows: Taps | null, cols: Taps | null, oh: number, ow: number): Float32Array => {
  let cur = src;
  if (cols) {
    const out = new Float32Array(planes * h * ow);
    for (let p = 0; p < planes * h; p++) {
      const base = p * w;
      for (let x = 0; x < ow; x++) {
        // Fused multiply-adds in float32, in tap order, as torch's compiled kernels accumulate (the product of two
        // float32 numbers is exact in double, so one rounding to float32 is the fma's).
        let acc = 0;
        for (let j = 0; j < cols.k; j++) {
          const wt = cols.weight[x * cols.k + j]!;
          // Unused taps (weight 0) are skipped, as torch's loops stop at each output's own support.
          if (wt !== 0) acc = f32(cur[base + cols.index[x * cols.k + j]!]! * wt + acc);
        }
        out[p * ow + x] = acc;
      }
    }
    cur = out;
  }
  const width = cols ? ow : w;
  if (rows) {
    const out = new Float32Array(planes * oh * width);
    for (let p = 0; p < planes; p++)
      for (let y = 0; y < oh; y++) {
        const dst = (p * oh + y) * width;
        for (let j = 0; j < rows.k; j++) {
          const wt = rows.weight[y * rows.k + j]!;
          if (wt === 0) continue;
          const srcRow = (p * h + rows.index[y * rows.k + j]!) * width;
          for (let x = 0; x < width; x++) out[dst + x] = cur[srcRow + x]! * wt + out[dst + x]!;
        }
      }
    cur = out;
  }
  return cur;
};

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

/** PIL's 8-bit coefficients: weights in fixed point with 22 fractional bits, rounded half away from zero. */
const fixedPoint = (t: Taps): Int32Array => Int32Array.from(t.weight, (w) => (w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE)));

/** PIL's clip8: the accumulator (with its ½ already added) shifted back to a byte. */
const clip8 = (acc: number): number => (acc >= ONE * 256 ? 255 : acc <= 0 ? 0 : Math.floor(acc / ONE));

/**
 * PIL's ImagingResample on an HWC byte image: horizontal pass then vertical, each accumulating integer products with
 * fixed-point weights and rounding to bytes in between; a pass whose size does not change is skipped, as PIL does.
 */
export const resampleBytes = (src: Uint8Array, h: number, w: number, c: number, rows: Taps | null, cols: Taps | null, oh: number, ow: number): Uint8Array => {
  const pass = (input: Uint8Array, taps: Taps, lines: number, inStride: number, tapStride: number, outSize: number, outStride: number, lineSize: number): Uint8Array => {
    const { k, index } = taps;
    const kk = fixedPoint(taps);
    const out = new Uint8Array(lines * lineSize);
    // One line at a time: output o of line `l`, element e (channel, or column × channel) is Σ input[l, index[o, j], e] · kk[o, j].
    for (let l = 0; l < lines; l++)
      for (let o = 0; o < outSize; o++)
        for (let e = 0; e < tapStride; e++) {
          let acc = ONE / 2;
          for (let j = 0; j < k; j++) acc += input[l * inStride + index[o * k + j]! * tapStride + e]! * kk[o * k + j]!;
          out[l * lineSize + o * outStride + e] = clip8(acc);
        }
    return out;
  };
  // Horizontal: lines are rows, taps step over pixels (c bytes); vertical: one "line", taps step over whole rows.
  const mid = cols ? pass(src, cols, h, w * c, c, ow, c, ow * c) : src;
  const width = cols ? ow : w;
  return rows ? pass(mid, rows, 1, 0, width * c, oh, width * c, oh * width * c) : mid;
};

/** PIL's RGBA → RGBa: colour scaled by alpha/255 with its exact rounding (MULDIV255). */
export const premultiply = (src: Uint8Array): Uint8Array => {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3]!;
    for (let ch = 0; ch < 3; ch++) {
      const t = src[i + ch]! * a + 128;
      out[i + ch] = ((t >> 8) + t) >> 8;
    }
    out[i + 3] = a;
  }
  return out;
};

/** PIL's RGBa → RGBA: colour scaled back by 255/alpha (integer division, clipped); alpha 0 and 255 copy. */
export const unpremultiply = (src: Uint8Array): Uint8Array => {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3]!;
    for (let ch = 0; ch < 3; ch++) out[i + ch] = a === 0 || a === 255 ? src[i + ch]! : Math.min(255, Math.floor((255 * src[i + ch]!) / a));
    out[i + 3] = a;
  }
  return out;
};
