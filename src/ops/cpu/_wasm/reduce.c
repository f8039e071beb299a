// Reductions (sum, prod, max, min) of float32 data and the broadcast copy of 4-byte elements, in WebAssembly SIMD.
//
// Both walk the input as merged runs (src/ops/cpu/reduce.ts, layout.ts): alternating kept and reduced (or kept and
// broadcast) axes, size-1 axes dropped. The JS side computes the runs and their strides and passes them in a small
// int workspace of the arena; nothing here uses the shadow stack or static data (kernels.c's rule).
//
// Order of operations, which decides the bits of a sum:
// - A reduced run followed by a kept one (leading axes, column sums, bias gradients): SIMD runs across independent
//   outputs, each output still adds its elements in their row-major order, in float64, exactly as the TypeScript
//   reference does (bit for bit).
// - The innermost axis reduced (row sums: softmax, layer norm): rows of at least ROW_SIMD elements are summed in 8
//   float64 lanes (four f64x2 accumulators, element i into lane i mod 8), the lanes then added pairwise, the rest
//   sequentially; shorter rows (pooling windows) are summed in order. prod stays sequential everywhere.
// - max and min are exact in float32 whatever the order, and NaN wins and sticks. Across outputs and in pooling pairs
//   they match the reference bit for bit; within a row reduced in lanes, the one order effect is which of equal
//   values of opposite sign (-0 and +0) comes first, so a max or min that is zero may differ in sign.

#define OP_SUM 0
#define OP_PROD 1
#define OP_MAX 2
#define OP_MIN 3
/** Rows shorter than this are reduced element by element, in order. */
#define ROW_SIMD 16

/** a combined with v under max/min with NaN sticking (the TypeScript reference's `v > a || v !== v`). */
static inline float pick(int op, float a, float v) {
  if (a != a) return a;
  if (v != v) return v;
  return op == OP_MAX ? (v > a ? v : a) : (v < a ? v : a);
}

static inline float hpick(int op, v128_t v) {
  float a = wasm_f32x4_extract_lane(v, 0);
  a = pick(op, a, wasm_f32x4_extract_lane(v, 1));
  a = pick(op, a, wasm_f32x4_extract_lane(v, 2));
  return pick(op, a, wasm_f32x4_extract_lane(v, 3));
}

/**
 * Lane-wise a combined with v as the reference does (`v > a` replaces a; so does a NaN v, after which a stays NaN):
 * pmax/pmin are single x64 instructions that keep a on ties and unordered lanes, and the NaN test ORs an all-ones
 * NaN into lanes where v is NaN (f32x4.max/min would cost several instructions each to order NaN and zeros).
 */
static inline v128_t vpick(int op, v128_t a, v128_t v) {
  v128_t m = op == OP_MAX ? wasm_f32x4_pmax(a, v) : wasm_f32x4_pmin(a, v);
  return wasm_v128_or(m, wasm_f32x4_ne(v, v));
}

/** The float64 lanes of x[0..4): low two, high two. */
#define PROMOTE_LO(v) wasm_f64x2_promote_low_f32x4(v)
#define PROMOTE_HI(v) wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3))

/**
 * Leaf [k rows, 2] (a 2-wide pooling window): four rows at a time, their first and second elements deinterleaved
 * into vectors, so each output still takes (acc + x0) + x1, as in the sequential loop.
 */
static int pairs_reduced(int op, const float *x, double *accd, float *accf, int k) {
  int q = 0;
  for (; q + 4 <= k; q += 4, x += 8) {
    v128_t u = wasm_v128_load(x), w = wasm_v128_load(x + 4);
    v128_t e = wasm_i32x4_shuffle(u, w, 0, 2, 4, 6), o = wasm_i32x4_shuffle(u, w, 1, 3, 5, 7);
    if (op == OP_SUM) {
      v128_t lo = wasm_f64x2_add(wasm_f64x2_add(wasm_v128_load(accd + q), PROMOTE_LO(e)), PROMOTE_LO(o));
      v128_t hi = wasm_f64x2_add(wasm_f64x2_add(wasm_v128_load(accd + q + 2), PROMOTE_HI(e)), PROMOTE_HI(o));
      wasm_v128_store(accd + q, lo);
      wasm_v128_store(accd + q + 2, hi);
    } else wasm_v128_store(accf + q, vpick(op, vpick(op, wasm_v128_load(accf + q), e), o));
  }
  return q;
}

/** Leaf [k rows, r] with the innermost axis reduced: acc[q] (q < k) combined with row q. */
static void rows_reduced(int op, const float *x, double *accd, float *accf, int k, int r) {
  int q0 = r == 2 && op != OP_PROD ? pairs_reduced(op, x, accd, accf, k) : 0;
  x += q0 * r;
  for (int q = q0; q < k; q++, x += r) {
    int i = 0;
    if (op == OP_SUM) {
      double a = accd[q];
      if (r >= ROW_SIMD) {
        v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
        for (; i + 8 <= r; i += 8) {
          v128_t u = wasm_v128_load(x + i), w = wasm_v128_load(x + i + 4);
          s0 = wasm_f64x2_add(s0, PROMOTE_LO(u));
          s1 = wasm_f64x2_add(s1, PROMOTE_HI(u));
          s2 = wasm_f64x2_add(s2, PROMOTE_LO(w));
          s3 = wasm_f64x2_add(s3, PROMOTE_HI(w));
        }
        v128_t s = wasm_f64x2_add(wasm_f64x2_add(s0, s1), wasm_f64x2_add(s2, s3));
        a += wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
      }
      for (; i < r; i++) a += x[i];
      accd[q] = a;
    } else if (op == OP_PROD) {
      double a = accd[q];
      for (; i < r; i++) a *= x[i];
      accd[q] = a;
    } else {
      float a = accf[q];
      if (r >= ROW_SIMD) {
        v128_t m0 = wasm_v128_load(x), m1 = wasm_v128_load(x + 4), m2 = wasm_v128_load(x + 8), m3 = wasm_v128_load(x + 12);
        for (i = 16; i + 16 <= r; i += 16) {
          m0 = vpick(op, m0, wasm_v128_load(x + i));
          m1 = vpick(op, m1, wasm_v128_load(x + i + 4));
          m2 = vpick(op, m2, wasm_v128_load(x + i + 8));
          m3 = vpick(op, m3, wasm_v128_load(x + i + 12));
        }
        a = pick(op, a, hpick(op, vpick(op, vpick(op, m0, m1), vpick(op, m2, m3))));
      }
      for (; i < r; i++) a = pick(op, a, x[i]);
      accf[q] = a;
    }
  }
}

/** rows_into for at most a few rows: each column tile's accumulators in registers down the rows. */
static void rows_into_block(int op, const float *x, double *accd, float *accf, int r, int k) {
  int j = 0;
  if (op == OP_SUM || op == OP_PROD) {
    int sum = op == OP_SUM;
    // 8 columns: four f64x2 accumulators kept in registers down all r rows.
    for (; j + 8 <= k; j += 8) {
      v128_t a0 = wasm_v128_load(accd + j), a1 = wasm_v128_load(accd + j + 2);
      v128_t a2 = wasm_v128_load(accd + j + 4), a3 = wasm_v128_load(accd + j + 6);
      const float *s = x + j;
      for (int q = 0; q < r; q++, s += k) {
        v128_t u = wasm_v128_load(s), w = wasm_v128_load(s + 4);
        if (sum) {
          a0 = wasm_f64x2_add(a0, PROMOTE_LO(u)); a1 = wasm_f64x2_add(a1, PROMOTE_HI(u));
          a2 = wasm_f64x2_add(a2, PROMOTE_LO(w)); a3 = wasm_f64x2_add(a3, PROMOTE_HI(w));
        } else {
          a0 = wasm_f64x2_mul(a0, PROMOTE_LO(u)); a1 = wasm_f64x2_mul(a1, PROMOTE_HI(u));
          a2 = wasm_f64x2_mul(a2, PROMOTE_LO(w)); a3 = wasm_f64x2_mul(a3, PROMOTE_HI(w));
        }
      }
      wasm_v128_store(accd + j, a0); wasm_v128_store(accd + j + 2, a1);
      wasm_v128_store(accd + j + 4, a2); wasm_v128_store(accd + j + 6, a3);
    }
    for (; j + 2 <= k; j += 2) {
      v128_t a = wasm_v128_load(accd + j);
      const float *s = x + j;
      for (int q = 0; q < r; q++, s += k) {
        v128_t v = wasm_f64x2_make(s[0], s[1]);
        a = sum ? wasm_f64x2_add(a, v) : wasm_f64x2_mul(a, v);
      }
      wasm_v128_store(accd + j, a);
    }
    for (; j < k; j++) {
      double a = accd[j];
      const float *s = x + j;
      if (sum) for (int q = 0; q < r; q++, s += k) a += *s;
      else for (int q = 0; q < r; q++, s += k) a *= *s;
      accd[j] = a;
    }
  } else {
    for (; j + 16 <= k; j += 16) {
      v128_t a0 = wasm_v128_load(accf + j), a1 = wasm_v128_load(accf + j + 4);
      v128_t a2 = wasm_v128_load(accf + j + 8), a3 = wasm_v128_load(accf + j + 12);
      const float *s = x + j;
      for (int q = 0; q < r; q++, s += k) {
        a0 = vpick(op, a0, wasm_v128_load(s)); a1 = vpick(op, a1, wasm_v128_load(s + 4));
        a2 = vpick(op, a2, wasm_v128_load(s + 8)); a3 = vpick(op, a3, wasm_v128_load(s + 12));
      }
      wasm_v128_store(accf + j, a0); wasm_v128_store(accf + j + 4, a1);
      wasm_v128_store(accf + j + 8, a2); wasm_v128_store(accf + j + 12, a3);
    }
    for (; j + 4 <= k; j += 4) {
      v128_t a = wasm_v128_load(accf + j);
      const float *s = x + j;
      for (int q = 0; q < r; q++, s += k) a = vpick(op, a, wasm_v128_load(s));
      wasm_v128_store(accf + j, a);
    }
    for (; j < k; j++) {
      float a = accf[j];
      const float *s = x + j;
      for (int q = 0; q < r; q++, s += k) a = pick(op, a, *s);
      accf[j] = a;
    }
  }
}

#define INTO_ROWS 8
/**
 * Leaf [r rows, k] with the innermost axis kept: acc[0..k) combined with each row in turn (SIMD across columns), in
 * blocks of INTO_ROWS rows: a column tile walking all r rows would read each cache line in several passes, rows a
 * power-of-two stride apart evicting each other from L1 between passes; a block walks a few rows from end to end.
 */
static void rows_into(int op, const float *x, double *accd, float *accf, int r, int k) {
  for (int q = 0; q < r; q += INTO_ROWS, x += INTO_ROWS * k)
    rows_into_block(op, x, accd, accf, r - q < INTO_ROWS ? r - q : INTO_ROWS, k);
}

/**
 * Block [r2 rows, k, 2] of 2-wide pooling windows (axes 0 and 2 reduced): four windows at a time, their accumulators
 * held in registers down the r2 rows; each output still takes its terms in row-major order.
 */
static void windows_reduced(int op, const float *x, double *accd, float *accf, int r2, int k) {
  int q = 0, row = 2 * k;
  for (; q + 4 <= k; q += 4) {
    const float *s = x + 2 * q;
    if (op == OP_SUM) {
      v128_t lo = wasm_v128_load(accd + q), hi = wasm_v128_load(accd + q + 2);
      for (int t = 0; t < r2; t++, s += row) {
        v128_t u = wasm_v128_load(s), w = wasm_v128_load(s + 4);
        v128_t e = wasm_i32x4_shuffle(u, w, 0, 2, 4, 6), o = wasm_i32x4_shuffle(u, w, 1, 3, 5, 7);
        lo = wasm_f64x2_add(wasm_f64x2_add(lo, PROMOTE_LO(e)), PROMOTE_LO(o));
        hi = wasm_f64x2_add(wasm_f64x2_add(hi, PROMOTE_HI(e)), PROMOTE_HI(o));
      }
      wasm_v128_store(accd + q, lo);
      wasm_v128_store(accd + q + 2, hi);
    } else {
      v128_t a = wasm_v128_load(accf + q);
      for (int t = 0; t < r2; t++, s += row) {
        v128_t u = wasm_v128_load(s), w = wasm_v128_load(s + 4);
        a = vpick(op, vpick(op, a, wasm_i32x4_shuffle(u, w, 0, 2, 4, 6)), wasm_i32x4_shuffle(u, w, 1, 3, 5, 7));
      }
      wasm_v128_store(accf + q, a);
    }
  }
  if (q + 2 <= k && op == OP_SUM) {
    // two windows (LeNet's 14 = 3·4 + 2): [a0, b0, a1, b1] split into [a0, a1] and [b0, b1]
    const float *s = x + 2 * q;
    v128_t a = wasm_v128_load(accd + q);
    for (int t = 0; t < r2; t++, s += row) {
      v128_t u = wasm_v128_load(s);
      a = wasm_f64x2_add(a, PROMOTE_LO(wasm_i32x4_shuffle(u, u, 0, 2, 0, 2)));
      a = wasm_f64x2_add(a, PROMOTE_LO(wasm_i32x4_shuffle(u, u, 1, 3, 1, 3)));
    }
    wasm_v128_store(accd + q, a);
    q += 2;
  }
  for (; q < k; q++) {
    const float *s = x + 2 * q;
    if (op == OP_SUM) {
      double a = accd[q];
      for (int t = 0; t < r2; t++, s += row) a = (a + s[0]) + s[1];
      accd[q] = a;
    } else {
      float a = accf[q];
      for (int t = 0; t < r2; t++, s += row) a = pick(op, pick(op, a, s[0]), s[1]);
      accf[q] = a;
    }
  }
}

/** Moves the odometer of runs from..0 one leaf on and returns the new output offset. */
static inline int advance(int *idx, const int *dims, const int *ostride, int from, int o) {
  for (int d = from; d >= 0; d--) {
    idx[d]++;
    o += ostride[d];
    if (idx[d] < dims[d]) break;
    o -= ostride[d] * dims[d];
    idx[d] = 0;
  }
  return o;
}

/**
 * Reduces n floats at x, laid out as the nd merged runs w[0..nd) (w[nd + d]: the output stride of run d, 0 where it
 * is reduced; w[2nd..3nd): odometer scratch), into `nout` outputs: float64 accumulators at accd for sum and prod
 * (written as float32 to out at the end), float32 ones at out itself for max and min. nd ≥ 2; the last two runs are
 * the leaf block, one kept and one reduced, `last_reduced` telling which is innermost.
 */
__attribute__((export_name("reduce_runs")))
void reduce_runs(int op, const float *x, int n, int *w, int nd, int last_reduced, double *accd, float *out, int nout) {
  int *dims = w, *ostride = w + nd, *idx = w + 2 * nd;
  int d0 = dims[nd - 2], d1 = dims[nd - 1], leaf = d0 * d1;
  int f64 = op == OP_SUM || op == OP_PROD;
  if (f64) { double v = op == OP_SUM ? 0.0 : 1.0; for (int i = 0; i < nout; i++) accd[i] = v; }
  else { float v = op == OP_MAX ? -__builtin_inff() : __builtin_inff(); for (int i = 0; i < nout; i++) out[i] = v; }
  for (int d = 0; d < nd; d++) idx[d] = 0;
  int o = 0;
  if (last_reduced && d1 == 2 && nd >= 3 && op != OP_PROD) {
    // 2-wide pooling windows [.., r2, k, 2]: the reduced run before the leaf joins it (one call per window row block)
    int block = dims[nd - 3] * leaf;
    for (int s = 0; s < n; s += block) {
      windows_reduced(op, x + s, accd + o, out + o, dims[nd - 3], d0);
      o = advance(idx, dims, ostride, nd - 4, o);
    }
  } else
    for (int s = 0; s < n; s += leaf) {
      if (last_reduced) rows_reduced(op, x + s, accd + o, out + o, d0, d1);
      else rows_into(op, x + s, accd + o, out + o, d0, d1);
      o = advance(idx, dims, ostride, nd - 3, o);
    }
  if (f64) for (int i = 0; i < nout; i++) out[i] = (float)accd[i];
}

/** o[0..n) = v (4-byte elements). */
static inline void fill4(int *o, int v, int n) {
  int i = 0;
  v128_t s = wasm_i32x4_splat(v);
  for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, s);
  for (; i < n; i++) o[i] = v;
}

/** o[0..n) = src[0..n): by element for short rows, memory.copy for long ones. */
static inline void copy4(int *o, const int *src, int n) {
  if (n >= 16) __builtin_memcpy(o, src, (unsigned long)n * 4);
  else for (int i = 0; i < n; i++) o[i] = src[i];
}

/** Leaf [k kept, b broadcast]: each of k source elements written b times (b = 2: a pooling window's gradient). */
static void spread(int *o, const int *src, int k, int b) {
  int q = 0;
  if (b == 2) {
    for (; q + 4 <= k; q += 4, o += 8) {
      v128_t v = wasm_v128_load(src + q);
      wasm_v128_store(o, wasm_i32x4_shuffle(v, v, 0, 0, 1, 1));
      wasm_v128_store(o + 4, wasm_i32x4_shuffle(v, v, 2, 2, 3, 3));
    }
  } else if (b == 4) {
    for (; q < k; q++, o += 4) wasm_v128_store(o, wasm_i32x4_splat(src[q]));
  }
  for (; q < k; q++, o += b) fill4(o, src[q], b);
}

/**
 * Broadcast copy over merged output runs from run d on (w: dims, broadcast flags, input strides, output block sizes,
 * nd each): a kept run walks its input, a broadcast run writes its first block and repeats it by doubling copies.
 */
static void expand_from(const int *src, int *o, const int *w, int nd, int d) {
  const int *dims = w, *bcast = w + nd, *istride = w + 2 * nd, *oblock = w + 3 * nd;
  int n = dims[d];
  if (d == nd - 1) {
    if (bcast[d]) fill4(o, src[0], n);
    else copy4(o, src, n);
  } else if (bcast[d] && d == nd - 3 && n <= 4) {
    // a pooling window's rows: each of the n copies spread from the input (no copy of a copy)
    for (int t = 0; t < n; t++) spread(o + t * oblock[d], src, dims[d + 1], dims[d + 2]);
  } else if (bcast[d]) {
    expand_from(src, o, w, nd, d + 1);
    int block = oblock[d], total = block * n;
    for (int done = block; done < total;) {
      int c = done < total - done ? done : total - done;
      copy4(o + done, o, c);
      done += c;
    }
  } else if (d == nd - 2 && bcast[d + 1]) {
    spread(o, src, n, dims[d + 1]);
  } else if (d == nd - 2) {
    copy4(o, src, n * dims[d + 1]); // cannot happen for merged runs (kept runs alternate), kept for safety
  } else {
    for (int q = 0; q < n; q++) expand_from(src + q * istride[d], o + q * oblock[d], w, nd, d + 1);
  }
}

/** Writes the 4-byte elements at src broadcast into o over the nd merged runs described at w (see expand_from). */
__attribute__((export_name("expand_runs")))
void expand_runs(const int *src, int *o, const int *w, int nd) { expand_from(src, o, w, nd, 0); }
