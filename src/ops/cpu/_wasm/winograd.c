// Winograd minimal-filtering transforms (Lavin & Gray 2015) of src/ops/cpu/_winograd.ts: X = L·D·Lᵀ per tile.
//
// Every transform of the three convolution passes has that one form, with the matrix L (p×q, at most 8×8) given
// by the caller: the data transform (L = Bᵀ), the filter transform (L = G), the output transform (L = Aᵀ), the
// gradient transform of the weight gradient (L = A) and its filter-side inverse (L = Gᵀ). Four tiles (or filter
// planes) ride in the four lanes of a vector, so the results are stored (or read) as vectors along the tiles axis
// of the [p·p][channels][tiles] matrices the batched GEMM multiplies. L's zero entries are skipped (each row's
// nonzeros are listed once per block); the order of every sum is fixed, so results do not depend on the threads.
// Multiply and add stay separate, as in the GEMM.

#define WG_MAX 8

// The descriptor (int32 words) one job reads; pointers in bytes.
enum {
  WG_KIND,   // 0 data tiles → matrix, 1 matrix → output tiles, 2 filters → matrix, 3 matrix → filters
  WG_SRC, WG_DST, WG_L, // source, destination, L (p×q floats, row-major)
  WG_P, WG_Q,           // L's shape
  WG_PLANES, WG_C,      // planes in all; channels per sample (kinds 0, 1: plane = sample·C + channel)
  WG_H, WG_W,           // kind 0: the source plane; kind 1: the output plane
  WG_PT, WG_PL,         // kind 0: tile (y, x) reads from row y·m − pt and column x·m − pl
  WG_TY, WG_TX, WG_M,   // tiles per plane along y and x, and their step
  WG_PER,               // planes per block
  WG_FLIP,              // kind 2: rotate each filter by 180 degrees first
  WG_T,                 // tiles in all (samples · TY · TX): the matrices' row length
  WG_FIXED,             // α of a built-in tile whose constant matrices replace L (6: F(4, 3), 8: F(4, 5)); else 0
  WG_WORDS
};

/** Stores the 4×4 transpose of rows r0..r3 as four consecutive vectors: o[4i + j] = rj[i]. */
static inline void wg_transpose4(float *o, v128_t r0, v128_t r1, v128_t r2, v128_t r3) {
  v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(o, wasm_i64x2_shuffle(t0, t2, 0, 2));
  wasm_v128_store(o + 4, wasm_i64x2_shuffle(t0, t2, 1, 3));
  wasm_v128_store(o + 8, wasm_i64x2_shuffle(t1, t3, 0, 2));
  wasm_v128_store(o + 12, wasm_i64x2_shuffle(t1, t3, 1, 3));
}

typedef struct {
  int n;
  int k[WG_MAX];
  float v[WG_MAX];
} wg_row;

// A block's working arrays, at the start of its thread's scratch: the module has no stack to keep them on.
typedef struct {
  v128_t D[WG_MAX * WG_MAX], X[WG_MAX * WG_MAX], T[WG_MAX * WG_MAX];
  float v[WG_MAX * WG_MAX * 4 + 16];
  const float *b[4];
  wg_row rows[WG_MAX];
} wg_work;
#define WG_WORK_FLOATS ((int)((sizeof(wg_work) + 63) / 64 * 16))

static void wg_rows(const float *L, int p, int q, wg_row *rows) {
  for (int i = 0; i < p; i++) {
    rows[i].n = 0;
    for (int k = 0; k < q; k++)
      if (L[i * q + k] != 0.0f) {
        rows[i].k[rows[i].n] = k;
        rows[i].v[rows[i].n++] = L[i * q + k];
      }
  }
}

/** X (p×p) = L · D (q×q) · Lᵀ, four lanes at a time: D's element e at in + e·is, X's at out + e·os (floats). */
static void wg_generic(const wg_row *rows, int p, int q, const float *in, long is, float *out, long os, v128_t *T) {
  for (int i = 0; i < p; i++) {
    const wg_row *r = rows + i;
    for (int j = 0; j < q; j++) {
      v128_t acc = wasm_f32x4_splat(0);
      for (int e = 0; e < r->n; e++)
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(r->v[e]), wasm_v128_load(in + (r->k[e] * q + j) * is)));
      T[i * q + j] = acc;
    }
  }
  for (int i = 0; i < p; i++)
    for (int j = 0; j < p; j++) {
      const wg_row *r = rows + j;
      v128_t acc = wasm_f32x4_splat(0);
      for (int e = 0; e < r->n; e++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(T[i * q + r->k[e]], wasm_f32x4_splat(r->v[e])));
      wasm_v128_store(out + (i * p + j) * os, acc);
    }
}

// The built-in tiles, F(4×4, 3×3) (α = 6) and F(4×4, 5×5) (α = 8): _winograd.ts's winogradMatrices(4, r) rounded
// to float32 (Bᵀ, Aᵀ exact). Their transforms are unrolled with the entries as constants, so zeros cost nothing,
// ±1 no multiply, and no loop or index remains (5–10× the generic loop's speed).
#define WG_BT6 { \
  4.0f, 0, -5.0f, 0, 1.0f, 0,  \
  0, -4.0f, -4.0f, 1.0f, 1.0f, 0,  \
  0, 4.0f, -4.0f, -1.0f, 1.0f, 0,  \
  0, -2.0f, -1.0f, 2.0f, 1.0f, 0,  \
  0, 2.0f, -1.0f, -2.0f, 1.0f, 0,  \
  0, 4.0f, 0, -5.0f, 0, 1.0f }
#define WG_AT6 { \
  1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0,  \
  0, 1.0f, -1.0f, 2.0f, -2.0f, 0,  \
  0, 1.0f, 1.0f, 4.0f, 4.0f, 0,  \
  0, 1.0f, -1.0f, 8.0f, -8.0f, 1.0f }
#define WG_G6 { \
  0.25f, 0, 0,  \
  -0.166666672f, -0.166666672f, -0.166666672f,  \
  -0.166666672f, 0.166666672f, -0.166666672f,  \
  0.0416666679f, 0.0833333358f, 0.166666672f,  \
  0.0416666679f, -0.0833333358f, 0.166666672f,  \
  0, 0, 1.0f }
#define WG_BT8 { \
  -1.0f, 0, 5.25f, 0, -5.25f, 0, 1.0f, 0,  \
  0, 1.0f, 1.0f, -4.25f, -4.25f, 1.0f, 1.0f, 0,  \
  0, -1.0f, 1.0f, 4.25f, -4.25f, -1.0f, 1.0f, 0,  \
  0, 0.5f, 0.25f, -2.5f, -1.25f, 2.0f, 1.0f, 0,  \
  0, -0.5f, 0.25f, 2.5f, -1.25f, -2.0f, 1.0f, 0,  \
  0, 2.0f, 4.0f, -2.5f, -5.0f, 0.5f, 1.0f, 0,  \
  0, -2.0f, 4.0f, 2.5f, -5.0f, -0.5f, 1.0f, 0,  \
  0, -1.0f, 0, 5.25f, 0, -5.25f, 0, 1.0f }
#define WG_AT8 { \
  1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0,  \
  0, 1.0f, -1.0f, 2.0f, -2.0f, 0.5f, -0.5f, 0,  \
  0, 1.0f, 1.0f, 4.0f, 4.0f, 0.25f, 0.25f, 0,  \
  0, 1.0f, -1.0f, 8.0f, -8.0f, 0.125f, -0.125f, 1.0f }
#define WG_G8 { \
  -1.0f, 0, 0, 0, 0,  \
  -0.222222224f, -0.222222224f, -0.222222224f, -0.222222224f, -0.222222224f,  \
  -0.222222224f, 0.222222224f, -0.222222224f, 0.222222224f, -0.222222224f,  \
  0.0111111114f, 0.0222222228f, 0.0444444455f, 0.0888888910f, 0.177777782f,  \
  0.0111111114f, -0.0222222228f, 0.0444444455f, -0.0888888910f, 0.177777782f,  \
  0.711111128f, 0.355555564f, 0.177777782f, 0.0888888910f, 0.0444444455f,  \
  0.711111128f, -0.355555564f, 0.177777782f, -0.0888888910f, 0.0444444455f,  \
  0, 0, 0, 0, 1.0f }

/** acc + l·d with l a constant after unrolling (first: no acc yet); ±1 need no multiply. */
static inline __attribute__((always_inline)) v128_t wg_term(v128_t acc, int first, float l, v128_t d) {
  v128_t t = l == 1.0f ? d : l == -1.0f ? wasm_f32x4_neg(d) : wasm_f32x4_mul(wasm_f32x4_splat(l), d);
  return first ? t : wasm_f32x4_add(acc, t);
}

// The interpolation points come in pairs ±a at indices (1, 2), (3, 4), (5, 6) (0 at index 0, ∞ last), and the
// entries of a pair's rows (or columns) agree up to the sign (−1)^(other index). So a 1D transform whose outputs are
// points (Bᵀ, G, A) computes each pair as E ± O from the even and odd inputs' partial sums, and one whose inputs are
// points (Aᵀ, Gᵀ) first forms x_a ± x_a' per pair: about half the multiplies and adds of the plain sums.
#define WG_PAIR_FIRST(i, n) ((i) % 2 == 1 && (i) + 1 <= (n) - 2)
#define WG_PAIR_SECOND(i, n) ((i) % 2 == 0 && (i) >= 2 && (i) <= (n) - 2)

/** y (P) = L · x (Q) for a constant L (P×Q, or Mᵀ when TR), outputs (ROWS) or inputs (!ROWS) indexed by points. */
static inline __attribute__((always_inline)) void wg_1d(const float *M, int P, int Q, int TR, int ROWS, const float *__restrict in, long is,
                                                        float *__restrict out, long os) {
#define WG_L(i, k) (TR ? M[(k) * P + (i)] : M[(i) * Q + (k)])
#define x(k) wasm_v128_load(in + (k) * is)
  if (ROWS) {
#pragma clang loop unroll(full)
    for (int i = 0; i < P; i++) {
      if (WG_PAIR_SECOND(i, P)) {
        // computed with row i − 1
      } else if (WG_PAIR_FIRST(i, P)) {
        v128_t e = wasm_f32x4_splat(0), o = e;
        int fe = 1, fo = 1;
#pragma clang loop unroll(full)
        for (int k = 0; k < Q; k++) {
          float l = WG_L(i, k);
          if (l != 0.0f && k % 2 == 0) e = wg_term(e, fe, l, x(k)), fe = 0;
          if (l != 0.0f && k % 2 == 1) o = wg_term(o, fo, l, x(k)), fo = 0;
        }
        wasm_v128_store(out + i * os, fe ? o : fo ? e : wasm_f32x4_add(e, o));
        wasm_v128_store(out + (i + 1) * os, fe ? wasm_f32x4_neg(o) : fo ? e : wasm_f32x4_sub(e, o));
      } else {
        v128_t acc = wasm_f32x4_splat(0);
        int first = 1;
#pragma clang loop unroll(full)
        for (int k = 0; k < Q; k++) {
          float l = WG_L(i, k);
          if (l != 0.0f) acc = wg_term(acc, first, l, x(k)), first = 0;
        }
        wasm_v128_store(out + i * os, acc);
      }
    }
  } else {
    v128_t sum[WG_MAX], dif[WG_MAX];
#pragma clang loop unroll(full)
    for (int k = 0; k < Q; k++)
      if (WG_PAIR_FIRST(k, Q)) sum[k] = wasm_f32x4_add(x(k), x(k + 1)), dif[k] = wasm_f32x4_sub(x(k), x(k + 1));
#pragma clang loop unroll(full)
    for (int i = 0; i < P; i++) {
      v128_t acc = wasm_f32x4_splat(0);
      int first = 1;
#pragma clang loop unroll(full)
      for (int k = 0; k < Q; k++) {
        float l = WG_L(i, k);
        if (!WG_PAIR_SECOND(k, Q) && l != 0.0f) {
          v128_t v = WG_PAIR_FIRST(k, Q) ? (WG_L(i, k + 1) == l ? sum[k] : dif[k]) : x(k);
          acc = wg_term(acc, first, l, v), first = 0;
        }
      }
      wasm_v128_store(out + i * os, acc);
    }
  }
#undef WG_L
#undef x
}

/** X = L·D·Lᵀ for a constant L: the 1D transform down D's columns, then along the rows of the result. */
static inline __attribute__((always_inline)) void wg_fixed(const float *M, int P, int Q, int TR, int ROWS, const float *__restrict in, long is,
                                                           float *__restrict out, long os, v128_t *__restrict T) {
  float *t = (float *)T;
#pragma clang loop unroll(full)
  for (int j = 0; j < Q; j++) wg_1d(M, P, Q, TR, ROWS, in + j * is, Q * is, t + 4 * j, 4 * Q);
#pragma clang loop unroll(full)
  for (int i = 0; i < P; i++) wg_1d(M, P, Q, TR, ROWS, t + 4 * i * Q, 4, out + i * P * os, os);
}

#define WG_DEFINE(NAME, VALUES, P, Q, TR, ROWS)                                                              \
  __attribute__((noinline)) static void NAME(const float *in, long is, float *out, long os, v128_t *T) {     \
    const float M[] = VALUES;                                                                                \
    wg_fixed(M, P, Q, TR, ROWS, in, is, out, os, T);                                                         \
  }
// (the points index Bᵀ's and G's rows, Aᵀ's columns)
WG_DEFINE(wg_bt6, WG_BT6, 6, 6, 0, 1)
WG_DEFINE(wg_at6, WG_AT6, 4, 6, 0, 0)
WG_DEFINE(wg_a6, WG_AT6, 6, 4, 1, 1)
WG_DEFINE(wg_g6, WG_G6, 6, 3, 0, 1)
WG_DEFINE(wg_gt6, WG_G6, 3, 6, 1, 0)
WG_DEFINE(wg_bt8, WG_BT8, 8, 8, 0, 1)
WG_DEFINE(wg_at8, WG_AT8, 4, 8, 0, 0)
WG_DEFINE(wg_a8, WG_AT8, 8, 4, 1, 1)
WG_DEFINE(wg_g8, WG_G8, 8, 5, 0, 1)
WG_DEFINE(wg_gt8, WG_G8, 5, 8, 1, 0)

typedef void (*wg_fn)(const float *, long, float *, long, v128_t *);

/** The transform of the job at d: a built-in tile's (d[WG_FIXED] = 6 or 8: α) for L's shape, else the generic loop. */
static void wg_run(const int *d, const wg_row *rows, const float *in, long is, float *out, long os, v128_t *T) {
  int p = d[WG_P], q = d[WG_Q], f = d[WG_FIXED];
  wg_fn fn = 0;
  if (f == 6) fn = p == 6 ? (q == 6 ? wg_bt6 : q == 3 ? wg_g6 : wg_a6) : p == 4 ? wg_at6 : wg_gt6;
  else if (f == 8) fn = p == 8 ? (q == 8 ? wg_bt8 : q == 5 ? wg_g8 : wg_a8) : p == 4 ? wg_at8 : wg_gt8;
  if (fn) fn(in, is, out, os, T);
  else wg_generic(rows, p, q, in, is, out, os, T);
}

// Kind 0: each plane copied once into a zero-padded image in scratch, then its tiles four at a time.
static void wg_data(const int *d, int lo, int hi, wg_work *wk, float *pad) {
  const float *src = (const float *)d[WG_SRC];
  float *dst = (float *)d[WG_DST];
  int p = d[WG_P], q = d[WG_Q], C = d[WG_C], h = d[WG_H], w = d[WG_W], pt = d[WG_PT], pl = d[WG_PL];
  int TY = d[WG_TY], TX = d[WG_TX], m = d[WG_M], T = d[WG_T], tiles = TY * TX;
  int ph = (TY - 1) * m + q, pw = (TX - 1) * m + q;
  wg_row *rows = wk->rows;
  wg_rows((const float *)d[WG_L], p, q, rows);
  v128_t *D = wk->D;
  for (int plane = lo; plane < hi; plane++) {
    int N = d[WG_PLANES] / C, c = plane / N, n = plane - c * N; // channel-major: neighbours share cache lines of the matrices
    const float *s = src + ((long)n * C + c) * h * w;
    for (int y = 0; y < ph; y++) {
      int iy = y - pt;
      float *o = pad + y * pw;
      if (iy < 0 || iy >= h) {
        for (int x = 0; x < pw; x++) o[x] = 0.0f;
        continue;
      }
      for (int x = 0; x < pw; x++) {
        int ix = x - pl;
        o[x] = ix >= 0 && ix < w ? s[iy * w + ix] : 0.0f;
      }
    }
    float *out = dst + (long)c * T + (long)n * tiles;
    for (int u = 0; u < tiles; u += 4) {
      int lanes = tiles - u < 4 ? tiles - u : 4;
      const float **b = wk->b;
      for (int l = 0; l < 4; l++) {
        int t = u + (l < lanes ? l : 0), ty = t / TX, tx = t - ty * TX;
        b[l] = pad + ty * m * pw + tx * m;
      }
      // Four columns of the four tiles' row i at a time, transposed: D[i][j] holds column j of the four tiles. The
      // last chunk may read up to 3 floats past a row (the padded plane has that slack) and write past D's row i
      // into row i + 1 (rewritten next), never past D.
      for (int i = 0; i < q; i++)
        for (int j = 0; j < q; j += 4) {
          int at = i * pw + j;
          wg_transpose4((float *)(D + i * q + j), wasm_v128_load(b[0] + at), wasm_v128_load(b[1] + at),
                        wasm_v128_load(b[2] + at), wasm_v128_load(b[3] + at));
        }
      long xs = (long)C * T;
      if (lanes == 4) wg_run(d, rows, (const float *)D, 4, out + u, xs, wk->T); // straight into the matrix
      else {
        float *v = wk->v;
        wg_run(d, rows, (const float *)D, 4, v, 4, wk->T);
        for (int xi = 0; xi < p * p; xi++)
          for (int l = 0; l < lanes; l++) out[xi * xs + u + l] = v[4 * xi + l];
      }
    }
    // the columns past the last sample's tiles (row padding, _winograd.ts's rowLength) are zero: the weight
    // gradient's GEMM sums along the rows
    if (n == d[WG_PLANES] / C - 1)
      for (int xi = 0; xi < p * p; xi++)
        for (int t = (n + 1) * tiles; t < T; t++) dst[xi * (long)C * T + (long)c * T + t] = 0.0f;
  }
}

// Kind 1: each output plane's tiles four at a time, read as vectors, cut at the plane's edge.
static void wg_output(const int *d, int lo, int hi, wg_work *wk) {
  const float *src = (const float *)d[WG_SRC];
  float *dst = (float *)d[WG_DST];
  int p = d[WG_P], q = d[WG_Q], C = d[WG_C], h = d[WG_H], w = d[WG_W];
  int TY = d[WG_TY], TX = d[WG_TX], m = d[WG_M], T = d[WG_T], tiles = TY * TX;
  wg_row *rows = wk->rows;
  wg_rows((const float *)d[WG_L], p, q, rows);
  long xs = (long)C * T;
  for (int plane = lo; plane < hi; plane++) {
    int N = d[WG_PLANES] / C, c = plane / N, n = plane - c * N; // channel-major: neighbours share cache lines of the matrices
    const float *in = src + (long)c * T + (long)n * tiles;
    float *o = dst + ((long)n * C + c) * h * w;
    for (int u = 0; u < tiles; u += 4) {
      int lanes = tiles - u < 4 ? tiles - u : 4;
      // the last group of the last plane reads up to 3 floats past the matrix: the caller leaves that slack
      float *v = wk->v, *rowv = wk->v + 4 * WG_MAX * WG_MAX;
      wg_run(d, rows, in + u, xs, v, 4, wk->T);
      for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j += 4) {
          // columns j..j+3 of row i of the four tiles, transposed back: rowv[4l..4l+3] is lane l's (zero past p)
          const float *x = v + 4 * (i * p + j);
          v128_t z = wasm_f32x4_splat(0);
          wg_transpose4(rowv, wasm_v128_load(x), j + 1 < p ? wasm_v128_load(x + 4) : z, j + 2 < p ? wasm_v128_load(x + 8) : z,
                        j + 3 < p ? wasm_v128_load(x + 12) : z);
          for (int l = 0; l < lanes; l++) {
            int t = u + l, ty = t / TX, tx = t - ty * TX, y = ty * m + i, x0 = tx * m + j;
            if (y >= h || i >= m || j >= m) continue;
            int nx = w - x0 < m - j ? w - x0 : m - j;
            if (nx > 4) nx = 4;
            float *dst = o + y * w + x0;
            if (nx == 4) wasm_v128_store(dst, wasm_v128_load(rowv + 4 * l));
            else for (int jj = 0; jj < nx; jj++) dst[jj] = rowv[4 * l + jj];
          }
        }
    }
  }
}

// Kind 2: filters (planes of q×q) four at a time → dst[xi·planes + plane]; kind 3: the reverse (p×p filters out).
static void wg_filters(const int *d, int lo, int hi, int inverse, wg_work *wk) {
  const float *src = (const float *)d[WG_SRC];
  float *dst = (float *)d[WG_DST];
  int p = d[WG_P], q = d[WG_Q], planes = d[WG_PLANES], flip = d[WG_FLIP];
  wg_row *rows = wk->rows;
  wg_rows((const float *)d[WG_L], p, q, rows);
  v128_t *D = wk->D;
  float *v = wk->v;
  for (int u = lo; u < hi; u += 4) {
    int lanes = hi - u < 4 ? hi - u : 4;
    if (!inverse)
      for (int i = 0; i < q; i++)
        for (int j = 0; j < q; j++) {
          int at = flip ? (q - 1 - i) * q + (q - 1 - j) : i * q + j;
          for (int l = 0; l < 4; l++) v[l] = src[(long)(u + (l < lanes ? l : 0)) * q * q + at];
          D[i * q + j] = wasm_v128_load(v);
        }
    else
      for (int xi = 0; xi < q * q; xi++) {
        for (int l = 0; l < 4; l++) v[l] = src[(long)xi * planes + u + (l < lanes ? l : 0)];
        D[xi] = wasm_v128_load(v);
      }
    float *x = (float *)wk->X;
    wg_run(d, rows, (const float *)D, 4, x, 4, wk->T);
    for (int xi = 0; xi < p * p; xi++)
      for (int l = 0; l < lanes; l++) {
        if (inverse) dst[(long)(u + l) * p * p + xi] = x[4 * xi + l];
        else dst[(long)xi * planes + u + l] = x[4 * xi + l];
      }
  }
}

/** Floats of scratch a block of the job at d needs: the working arrays and (kind 0) one zero-padded plane. */
__attribute__((export_name("wino_scratch_floats")))
int wino_scratch_floats(const int *d) {
  return WG_WORK_FLOATS + (d[WG_KIND] == 0 ? ((d[WG_TY] - 1) * d[WG_M] + d[WG_Q]) * ((d[WG_TX] - 1) * d[WG_M] + d[WG_Q]) + 4 : 0);
}

/** Block b of the Winograd transform job described at d: planes [b·per, (b+1)·per). */
__attribute__((export_name("wino_block")))
void wino_block(const int *d, int b, float *scratch) {
  int planes = d[WG_PLANES], per = d[WG_PER];
  int lo = b * per, hi = lo + per < planes ? lo + per : planes;
  wg_work *wk = (wg_work *)scratch;
  switch (d[WG_KIND]) {
    case 0: wg_data(d, lo, hi, wk, scratch + WG_WORK_FLOATS); break;
    case 1: wg_output(d, lo, hi, wk); break;
    default: wg_filters(d, lo, hi, d[WG_KIND] == 3, wk); break;
  }
}
