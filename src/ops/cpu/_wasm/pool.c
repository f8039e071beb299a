// Max pooling kernels, #included at the end of kernels.c: maxPoolIndices (the position of each window's first
// maximum) and the row-wise gather and scatter-add that take the values at those positions and send their gradient
// back. Each gives exactly what the TypeScript kernels in src/ops/cpu/pool.ts and indexing.ts give (tested).
//
// Rules (PyTorch's, as pool.ts defines them): a window's positions are scanned in row-major order from its first
// in-input position; a value replaces the best only when strictly greater, or when it is the first NaN (a NaN wins,
// and the first of several). Padding is -∞ and never wins, so windows only scan their in-input taps.

/** Lanes 0, 2, 4, 6 (EVEN4) or 1, 3, 5, 7 (ODD4) of the eight floats lo ++ hi. */
#define EVEN4(lo, hi) wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6)
#define ODD4(lo, hi) wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7)

/**
 * 2×2 windows with stride 2 and no padding, four windows of a row at a time: of each window's top pair a, b the right
 * one only when strictly greater, the same of the bottom pair d, e, then the bottom winner only when strictly greater
 * than the top one (pool.ts's pool2x2, as comparisons masks instead of 0/1 numbers). A NaN makes every comparison with
 * it false, so windows holding one take the first NaN's offset instead (selects from the last tap to the first).
 */
static void max_pool_2x2(const float *x, int *o, int planes, int h, int w, int oh, int ow) {
  const v128_t one = wasm_i32x4_splat(1), lanes = wasm_i32x4_make(0, 2, 4, 6);
  const v128_t offW = wasm_i32x4_splat(w), offW1 = wasm_i32x4_splat(w + 1), zero = wasm_i32x4_splat(0);
  for (int p = 0; p < planes; p++) {
    const float *base = x + (long)p * h * w;
    for (int y = 0; y < oh; y++) {
      int r0 = 2 * y * w;
      const float *t = base + r0, *b = t + w;
      int z = 0;
      for (; z + 4 <= ow; z += 4, o += 4) {
        v128_t t0 = wasm_v128_load(t + 2 * z), t1 = wasm_v128_load(t + 2 * z + 4);
        v128_t b0 = wasm_v128_load(b + 2 * z), b1 = wasm_v128_load(b + 2 * z + 4);
        v128_t va = EVEN4(t0, t1), vb = ODD4(t0, t1), vd = EVEN4(b0, b1), ve = ODD4(b0, b1);
        v128_t top = wasm_f32x4_gt(vb, va), bottom = wasm_f32x4_gt(ve, vd);
        v128_t down = wasm_f32x4_gt(wasm_v128_bitselect(ve, vd, bottom), wasm_v128_bitselect(vb, va, top));
        // top ? 1 : 0, or w + (bottom ? 1 : 0) when the bottom pair wins
        v128_t off = wasm_v128_bitselect(wasm_i32x4_add(offW, wasm_v128_and(bottom, one)), wasm_v128_and(top, one), down);
        off = wasm_v128_bitselect(offW1, off, wasm_f32x4_ne(ve, ve));
        off = wasm_v128_bitselect(offW, off, wasm_f32x4_ne(vd, vd));
        off = wasm_v128_bitselect(one, off, wasm_f32x4_ne(vb, vb));
        off = wasm_v128_bitselect(zero, off, wasm_f32x4_ne(va, va));
        wasm_v128_store(o, wasm_i32x4_add(off, wasm_i32x4_add(wasm_i32x4_splat(r0 + 2 * z), lanes)));
      }
      for (; z < ow; z++, o++) {
        int c = 2 * z;
        float a = t[c], bb = t[c + 1], d = b[c], e = b[c + 1];
        int off;
        if (a != a) off = 0;
        else if (bb != bb) off = 1;
        else if (d != d) off = w;
        else if (e != e) off = w + 1;
        else {
          int tp = bb > a, bt = e > d;
          int dn = b[c + bt] > t[c + tp];
          off = dn ? w + bt : tp;
        }
        *o = r0 + c + off;
      }
    }
  }
}

/**
 * Per output position along one axis, into taps[3·i ..]: the window's start and its first and one-past-last taps
 * inside [0, size) (pool.ts's `taps`; kernels.c's ceil_div rounds as Math.ceil does for either sign).
 */
static void pool_taps_axis(int *taps, int out, int size, int k, int s, int d, int before) {
  for (int i = 0; i < out; i++) {
    int s0 = i * s - before, hi = ceil_div(size - s0, d);
    taps[3 * i] = s0;
    taps[3 * i + 1] = s0 >= 0 ? 0 : ceil_div(-s0, d);
    taps[3 * i + 2] = hi < k ? hi : k;
  }
}

/**
 * Any geometry (padding, dilation, stride ≠ kernel): each window scans its in-input taps in row-major order from the
 * first (pool.ts's poolAny). `taps` holds the rows' then the columns' (start, first, one-past-last) triples
 * (pool_taps), written before the job so that every thread reads them.
 */
static void max_pool_any(const float *x, int *o, int planes, int h, int w, int oh, int ow, int kh, int kw, int sh, int sw,
                  int dh, int dw, int pt, int pl, const int *taps) {
  const int *rows = taps, *cols = taps + 3 * oh;
  const v128_t step = wasm_i32x4_make(0, sw, 2 * sw, 3 * sw);
  for (int p = 0; p < planes; p++) {
    const float *base = x + (long)p * h * w;
    for (int y = 0; y < oh; y++) {
      int h0 = rows[3 * y], i0 = rows[3 * y + 1], i1 = rows[3 * y + 2];
      for (int z = 0; z < ow; z++, o++) {
        int w0 = cols[3 * z], j0 = cols[3 * z + 1], j1 = cols[3 * z + 2];
        // Four windows whose columns are all inside the input (a window's first tap column only grows with z and
        // its last-but-one only shrinks, so the first's start and the fourth's end decide), one per lane: the same
        // scan in the same order, as masks. Lane l reads the tap at + l·sw: one load for stride 1, the even lanes of
        // two for stride 2 (but at the plane's end), four loads otherwise.
        if (z + 4 <= ow && j0 == 0 && cols[3 * z + 11] == kw && i0 < i1) {
          int at0 = (h0 + i0 * dh) * w + w0;
          // the second load of stride 2 reads one float past lane 3's last tap: only inside the plane
          int pairs = sw == 2 && (h0 + (i1 - 1) * dh) * w + w0 + (kw - 1) * dw + 7 < h * w;
          v128_t bi = wasm_i32x4_add(wasm_i32x4_splat(at0), step), best = wasm_f32x4_splat(0.0f);
          for (int i = i0; i < i1; i++) {
            int row = (h0 + i * dh) * w + w0;
            for (int j = 0; j < kw; j++) {
              int at = row + j * dw;
              const float *q = base + at;
              v128_t v = sw == 1 ? wasm_v128_load(q)
                       : pairs ? EVEN4(wasm_v128_load(q), wasm_v128_load(q + 4))
                       : wasm_f32x4_make(q[0], q[sw], q[2 * sw], q[3 * sw]);
              if (i == i0 && j == 0) { best = v; continue; } // the scan starts from the first tap
              v128_t up = wasm_v128_or(wasm_f32x4_gt(v, best), wasm_v128_and(wasm_f32x4_ne(v, v), wasm_f32x4_eq(best, best)));
              best = wasm_v128_bitselect(v, best, up);
              bi = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(at), step), bi, up);
            }
          }
          wasm_v128_store(o, bi);
          z += 3, o += 3;
          continue;
        }
        int bi = (h0 + i0 * dh) * w + w0 + j0 * dw;
        if (i0 < i1 && j0 < j1) {
          float best = base[bi];
          for (int i = i0; i < i1; i++) {
            int row = (h0 + i * dh) * w + w0;
            for (int j = j0; j < j1; j++) {
              int at = row + j * dw;
              float v = base[at];
              if (v > best || (v != v && best == best)) best = v, bi = at;
            }
          }
        }
        *o = bi;
      }
    }
  }
}

/**
 * o[r·inner + j] = x[r·size + idx[r·inner + j]] for `rows` rows (gather along the last axis; 4-byte elements, copied
 * as bits). Returns the flat position of the first index outside [0, size), having stopped there, or -1.
 */
static int gather_rows(const int *x, int size, const int *idx, int inner, int *o, int rows) {
  for (int r = 0, q = 0; r < rows; r++, x += size)
    for (int j = 0; j < inner; j++, q++) {
      int v = idx[q];
      if ((unsigned)v >= (unsigned)size) return q;
      o[q] = x[v];
    }
  return -1;
}

/**
 * o[r·size + idx[r·inner + j]] += src[r·inner + j] for `rows` rows, in that order, from zeros (scatter-add along the
 * last axis; float32 adds, as the TypeScript loop's). Each row of o is zeroed just before its adds, while it is in
 * cache, rather than the whole output in a pass of its own. Returns the flat position of the first index outside
 * [0, size), having stopped there, or -1.
 */
static int scatter_add_rows(const float *src, int size, const int *idx, int inner, float *o, int rows) {
  for (int r = 0, q = 0; r < rows; r++, o += size) {
    __builtin_memset(o, 0, (unsigned long)size * 4);
    for (int j = 0; j < inner; j++, q++) {
      int v = idx[q];
      if ((unsigned)v >= (unsigned)size) return q;
      o[v] += src[q];
    }
  }
  return -1;
}

// The job descriptor (int32 words; pointers are byte offsets): which kernel, its operands, the planes or rows it runs
// over and how many a block takes, the geometry, and each block's first bad index position (gather, scatterAdd).
enum { PJ_OP, PJ_X, PJ_O, PJ_AUX, PJ_N, PJ_PER, PJ_H, PJ_W, PJ_OH, PJ_OW, PJ_KH, PJ_KW, PJ_SH, PJ_SW, PJ_DH, PJ_DW,
       PJ_PT, PJ_PL, PJ_BAD = 32 };
enum { POOL_2X2, POOL_ANY, POOL_GATHER, POOL_SCATTER };

/** Fills the taps (see max_pool_any) of a POOL_ANY job described at d, at its PJ_AUX, before its blocks run. */
__attribute__((export_name("pool_taps")))
void pool_taps(const int *d) {
  int *taps = (int *)d[PJ_AUX];
  pool_taps_axis(taps, d[PJ_OH], d[PJ_H], d[PJ_KH], d[PJ_SH], d[PJ_DH], d[PJ_PT]);
  pool_taps_axis(taps + 3 * d[PJ_OH], d[PJ_OW], d[PJ_W], d[PJ_KW], d[PJ_SW], d[PJ_DW], d[PJ_PL]);
}

/**
 * Block b of the pooling job described at d: planes (maxPoolIndices) or rows (gather, scatterAdd) [b·per, b·per + per),
 * which no other block reads or writes, so blocks run on any threads in any order. gather and scatterAdd store the
 * flat position of their first bad index, or -1, at d[PJ_BAD + b].
 */
__attribute__((export_name("pool_block")))
void pool_block(const int *d, int b) {
  int lo = b * d[PJ_PER], n = d[PJ_N] - lo < d[PJ_PER] ? d[PJ_N] - lo : d[PJ_PER];
  int h = d[PJ_H], w = d[PJ_W], oh = d[PJ_OH], ow = d[PJ_OW];
  const char *x = (const char *)d[PJ_X];
  char *o = (char *)d[PJ_O];
  if (n <= 0) return;
  switch (d[PJ_OP]) {
    case POOL_2X2:
      max_pool_2x2((const float *)(x + (long)lo * h * w * 4), (int *)(o + (long)lo * oh * ow * 4), n, h, w, oh, ow);
      break;
    case POOL_ANY:
      max_pool_any((const float *)(x + (long)lo * h * w * 4), (int *)(o + (long)lo * oh * ow * 4), n, h, w, oh, ow,
                   d[PJ_KH], d[PJ_KW], d[PJ_SH], d[PJ_SW], d[PJ_DH], d[PJ_DW], d[PJ_PT], d[PJ_PL], (const int *)d[PJ_AUX]);
      break;
    case POOL_GATHER:
    case POOL_SCATTER: {
      // h: the indexed axis' size, w: the index's row length; x is gather's data or scatterAdd's source
      const int *idx = (const int *)d[PJ_AUX] + (long)lo * w;
      int bad = d[PJ_OP] == POOL_GATHER
        ? gather_rows((const int *)x + (long)lo * h, h, idx, w, (int *)o + (long)lo * w, n)
        : scatter_add_rows((const float *)x + (long)lo * w, h, idx, w, (float *)o + (long)lo * h, n);
      ((int *)d)[PJ_BAD + b] = bad < 0 ? -1 : lo * w + bad;
      break;
    }
  }
}
