// Float32 elementwise SIMD kernels (unary, broadcasting binary, where), #included from kernels.c.
//
// Exactness: add, sub, mul, div, sqrt of float32 round once in float32 (f32x4 ops), which equals the TypeScript
// reference's float64 op rounded to float32 (a float64 result of two float32 operands rounds to the same float32).
// The fused gradients (sigmoidGrad, tanhGrad) have several ops that the reference evaluates in float64 with one final
// rounding, so they are computed in f64x2 lanes the same way. maximum/minimum and reluGrad select bits exactly as
// the reference's ternaries do (NaN-propagating; max(+0, −0) is the second operand, as `a > b ? a : b` gives).
// exp, sigmoid and tanh are approximations, tested within a few float32 ulp of Math.exp / Math.tanh.
//
// Broadcasting: the caller collapses the output (src/ops/_shape.ts `collapse`) to at most 4 axes, padded in front
// with size-1 axes, and gives each operand's stride along every axis; the innermost stride is 1 (a contiguous row)
// or 0 (one element repeated along the row). A single-element operand is not staged: the descriptor holds its
// value and its pointer points at that word, with all strides 0.

// ---- e^x, sigmoid, tanh ----

// e^r from x and t = x·log2 e + magic (see exp4): r = x − n·ln2 in two steps, then 1 + r + r²·P(r).
static inline __attribute__((always_inline)) v128_t exp4_reduced(v128_t x, v128_t t) {
  const float magic = 12582912.0f; // 1.5·2^23
  v128_t n = wasm_f32x4_sub(t, wasm_f32x4_splat(magic));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500E-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073E-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201E-1f));
  return wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, wasm_f32x4_splat(1.0f)));
}

// e^x for f32x4 (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, a degree-5 polynomial for e^r, then 2^n applied as two
// normal powers of two so that results overflow to +Inf and underflow through the subnormals to 0); NaN stays NaN.
// n is rounded by the magic-number trick: adding 1.5·2^23 leaves round-to-nearest(x·log2 e) in the low mantissa
// bits, so one float add gives n both as a float (subtract the magic again) and as an integer (subtract its bits),
// instead of f32x4.nearest plus i32x4.trunc_sat_f32x4 (the latter is a long instruction sequence on x86).
static inline v128_t exp4(v128_t x) {
  const float magic = 12582912.0f; // 1.5·2^23
  const v128_t log2e = wasm_f32x4_splat(1.44269504088896341f);
  // Where every |x| ≤ 87 (or is NaN), n = round(x·log2 e) is in [-126, 126] and 2^n one normal power of two, applied
  // by one product: the same float32 as the two products below (p·2^n1 is exact, so both round once), a third fewer
  // instructions after the polynomial and no clamping. A NaN x gives a NaN p and product, as below.
  if (!wasm_v128_any_true(wasm_f32x4_gt(wasm_f32x4_abs(x), wasm_f32x4_splat(87.0f)))) {
    v128_t t = wasm_f32x4_add(wasm_f32x4_mul(x, log2e), wasm_f32x4_splat(magic));
    // t's bits are magic's plus n: 2^n = (n + 127) << 23 in one integer add
    v128_t s = wasm_i32x4_shl(wasm_i32x4_add(t, wasm_i32x4_splat(127 - 0x4b400000)), 23);
    return wasm_f32x4_mul(exp4_reduced(x, t), s);
  }
  // Below -104 the result rounds to +0 (e^-104 is under half the smallest subnormal): those lanes are computed from
  // 0 and zeroed at the end, and a vector of them (a causal mask's -∞ in a softmax) returns at once. Computing them
  // would underflow a product to 0, which x86 handles in microcode: 3.3 ns an element over a masked softmax
  // against 1 unmasked. pmin (one x86 instruction, where min takes several to order ±0 and NaN) keeps a NaN x as x
  // is its first operand: pmin(a, b) = b < a ? b : a.
  v128_t under = wasm_f32x4_lt(x, wasm_f32x4_splat(-104.0f));
  if (wasm_i32x4_all_true(under)) return wasm_f32x4_splat(0.0f);
  v128_t xc = wasm_f32x4_pmin(wasm_v128_andnot(x, under), wasm_f32x4_splat(89.0f));
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(xc, log2e), wasm_f32x4_splat(magic));
  v128_t p = exp4_reduced(xc, t);
  // n in [-150, 129] as n1 + n2, each in [-75, 65]: 2^ni = (ni + 127) << 23. A NaN x leaves garbage in ni, but
  // p is NaN then and so is the product.
  v128_t ni = wasm_i32x4_sub(t, wasm_f32x4_splat(magic));
  v128_t n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  return wasm_v128_andnot(wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2), under);
}

// sigmoid from t = e^−|x| (never overflows): 1/(1 + t) for x ≥ 0, t/(1 + t) below (one division either way, rounded
// once), accurate into the subnormals
static inline v128_t sigmoid4(v128_t x) {
  v128_t t = exp4(wasm_v128_or(x, wasm_i32x4_splat((int)0x80000000))); // −|x|: the sign bit set
  v128_t one = wasm_f32x4_splat(1.0f);
  return wasm_f32x4_div(wasm_v128_bitselect(one, t, wasm_f32x4_ge(x, wasm_f32x4_splat(0.0f))), wasm_f32x4_add(one, t));
}

// tanh (Cephes tanhf): an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above (→ 1 as e^{2|x|} overflows),
// then x's sign bit on |result|, so tanh(±0) = ±0, tanh(±Inf) = ±1 and NaN stays NaN.
static inline v128_t tanh4(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t z = wasm_f32x4_mul(ax, ax);
  v128_t p = wasm_f32x4_splat(-5.70498872745E-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(2.06390887954E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-5.37397155531E-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.33314422036E-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-3.33332819422E-1f));
  v128_t small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), ax), ax);
  v128_t e = exp4(wasm_f32x4_add(ax, ax));
  v128_t big = wasm_f32x4_sub(wasm_f32x4_splat(1.0f),
                              wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
  v128_t r = wasm_v128_bitselect(small, big, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.625f)));
  return wasm_v128_or(r, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
}

// The tanh-approximate GELU (GPT-2's gelu_new) as x·sigmoid(2u), 2u = x·(C1 + C3·x²), C1 = 2·√(2/π), C3 = C1·0.044715:
// the same function as 0.5·x·(1 + tanh u), without the cancellation in 1 + tanh u for negative x (_scalar.ts).
#define GELU_TANH_C1 1.5957691216057308f
#define GELU_TANH_C3 (1.5957691216057308f * 0.044715f)
static inline v128_t gelu_tanh_t(v128_t x) {
  v128_t x2 = wasm_f32x4_mul(x, x);
  return wasm_f32x4_mul(x, wasm_f32x4_add(wasm_f32x4_splat(GELU_TANH_C1), wasm_f32x4_mul(wasm_f32x4_splat(GELU_TANH_C3), x2)));
}

// Its derivative times g: g·s·(1 + x·(1 − s)·(C1 + 3·C3·x²)), s = sigmoid(2u). s and 1 − s both come from e = e^−|2u|
// (1/(1 + e) and e/(1 + e)), so 1 − s keeps its digits where s is near 1 (1 − s by subtraction loses them all). Where
// s or 1 − s is exactly 0 at a finite x the second term's limit is 0, taken directly: past |x| ≈ 1.8e19 x² overflows
// float32, and 0·∞ would give NaN where the float64 reference gives the limit (at x = ±∞ both give NaN).
static inline v128_t gelu_tanh_grad4(v128_t x, v128_t g) {
  v128_t t = gelu_tanh_t(x), one = wasm_f32x4_splat(1.0f), zero = wasm_f32x4_splat(0.0f);
  v128_t e = exp4(wasm_f32x4_neg(wasm_f32x4_abs(t)));
  v128_t q = wasm_f32x4_div(one, wasm_f32x4_add(one, e)), eq = wasm_f32x4_mul(e, q);
  v128_t up = wasm_f32x4_ge(t, zero);
  v128_t s = wasm_v128_bitselect(q, eq, up), rest = wasm_v128_bitselect(eq, q, up); // s and 1 − s
  v128_t slope = wasm_f32x4_add(wasm_f32x4_splat(GELU_TANH_C1), wasm_f32x4_mul(wasm_f32x4_splat(3.0f * GELU_TANH_C3), wasm_f32x4_mul(x, x)));
  v128_t gs = wasm_f32x4_mul(g, s);
  v128_t full = wasm_f32x4_mul(gs, wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_mul(x, rest), slope)));
  v128_t flat = wasm_v128_or(wasm_f32x4_eq(s, zero), wasm_f32x4_eq(rest, zero));
  v128_t finite = wasm_f32x4_lt(wasm_f32x4_abs(x), wasm_f32x4_splat(__builtin_inff()));
  return wasm_v128_bitselect(gs, full, wasm_v128_and(flat, finite));
}

// Unary op codes (elementwise.ts's wasmUnary): 0 exp, 1 sigmoid, 2 tanh, 3 neg, 4 abs, 5 sqrt, 6 the tanh-approximate GELU.
static inline __attribute__((always_inline)) v128_t unary4(int op, v128_t x) {
  switch (op) {
    case 0: return exp4(x);
    case 1: return sigmoid4(x);
    case 2: return tanh4(x);
    case 3: return wasm_f32x4_neg(x);
    case 4: return wasm_f32x4_abs(x);
    case 6: return wasm_f32x4_mul(x, sigmoid4(gelu_tanh_t(x)));
    default: return wasm_f32x4_sqrt(x);
  }
}

static inline __attribute__((always_inline)) void unary_loop(int op, const float *src, float *dst, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t a = unary4(op, wasm_v128_load(src + i)), b = unary4(op, wasm_v128_load(src + i + 4));
    wasm_v128_store(dst + i, a);
    wasm_v128_store(dst + i + 4, b);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, unary4(op, wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] = wasm_f32x4_extract_lane(unary4(op, wasm_f32x4_splat(src[i])), 0);
}

/** dst[i] = f(src[i]) for i < n (op codes above; one specialised loop per op). */
__attribute__((export_name("unary")))
void unary(int op, const float *src, float *dst, int n) {
  switch (op) {
    case 0: unary_loop(0, src, dst, n); break;
    case 1: unary_loop(1, src, dst, n); break;
    case 2: unary_loop(2, src, dst, n); break;
    case 3: unary_loop(3, src, dst, n); break;
    case 4: unary_loop(4, src, dst, n); break;
    case 5: unary_loop(5, src, dst, n); break;
    case 6: unary_loop(6, src, dst, n); break;
  }
}

// ---- binary ops and where ----

// Binary op codes (_wasmElementwise.ts's wasmBinaryOps); B_SQUARE and B_CUBE are pow with the exponent 2 or 3 (b is
// ignored); where is op 16.
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_SIGMOID_GRAD, B_TANH_GRAD, B_RELU_GRAD, B_SQUARE, B_CUBE, B_GELU_TANH_GRAD, B_WHERE = 16 };

// The job descriptor: int32 words in the arena (pointers are byte offsets). E_AV..E_CV hold single-element operands.
enum {
  E_OP, E_O, E_A, E_B, E_C, E_AV, E_BV, E_CV, E_N = 8, E_SA = 12, E_SB = 16, E_SC = 20, E_WORDS = 24
};

// The ops of several steps in float64 lanes: promote, the reference's ops in its order, one rounding to float32.
static inline __attribute__((always_inline)) v128_t grad2(int op, v128_t a, v128_t b) {
  v128_t one = wasm_f64x2_splat(1.0);
  if (op == B_CUBE) return wasm_f64x2_mul(wasm_f64x2_mul(a, a), a); // a·a·a, as elementwise.ts's powByProducts
  if (op == B_SIGMOID_GRAD) return wasm_f64x2_mul(wasm_f64x2_mul(b, wasm_f64x2_sub(one, a)), a); // b·(1 − a)·a
  return wasm_f64x2_mul(b, wasm_f64x2_sub(one, wasm_f64x2_mul(a, a)));                            // b·(1 − a²)
}

static inline __attribute__((always_inline)) v128_t binary4(int op, v128_t a, v128_t b) {
  switch (op) {
    case B_ADD: return wasm_f32x4_add(a, b);
    case B_SUB: return wasm_f32x4_sub(a, b);
    case B_MUL: return wasm_f32x4_mul(a, b);
    case B_DIV: return wasm_f32x4_div(a, b);
    case B_MAX:
    case B_MIN: {
      // (a ≠ a or b ≠ b) ? NaN : a > b ? a : b (a < b for minimum), bit for bit
      v128_t pick = op == B_MAX ? wasm_f32x4_gt(a, b) : wasm_f32x4_lt(a, b);
      v128_t nan = wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_ne(b, b));
      return wasm_v128_bitselect(wasm_i32x4_splat(0x7fc00000), wasm_v128_bitselect(a, b, pick), nan);
    }
    case B_RELU_GRAD: return wasm_v128_and(b, wasm_f32x4_gt(a, wasm_f32x4_splat(0.0f))); // a > 0 ? b : +0
    case B_SQUARE: return wasm_f32x4_mul(a, a); // one rounding, as a·a in float64 rounded to float32
    case B_GELU_TANH_GRAD: return gelu_tanh_grad4(a, b);
    default: {
      v128_t ah = wasm_i32x4_shuffle(a, a, 2, 3, 2, 3), bh = wasm_i32x4_shuffle(b, b, 2, 3, 2, 3);
      v128_t lo = wasm_f32x4_demote_f64x2_zero(grad2(op, wasm_f64x2_promote_low_f32x4(a), wasm_f64x2_promote_low_f32x4(b)));
      v128_t hi = wasm_f32x4_demote_f64x2_zero(grad2(op, wasm_f64x2_promote_low_f32x4(ah), wasm_f64x2_promote_low_f32x4(bh)));
      return wasm_i32x4_shuffle(lo, hi, 0, 1, 4, 5);
    }
  }
}

// One output row of len elements; ia, ib (0 or 1) are the operands' strides along it.
#define BINARY_ROW(IA, IB)                                                                                           \
  for (; i + 4 <= len; i += 4)                                                                                       \
    wasm_v128_store(o + i, binary4(op, IA ? wasm_v128_load(a + i) : va, IB ? wasm_v128_load(b + i) : vb));
static inline __attribute__((always_inline)) void binary_row(int op, const float *a, int ia, const float *b, int ib,
                                                             float *o, int len) {
  int i = 0;
  v128_t va = wasm_v128_load32_splat(a), vb = wasm_v128_load32_splat(b);
  if (ia && ib) BINARY_ROW(1, 1)
  else if (ia) BINARY_ROW(1, 0)
  else if (ib) BINARY_ROW(0, 1)
  else if (len >= 4) {
    v128_t r = binary4(op, va, vb);
    for (; i + 4 <= len; i += 4) wasm_v128_store(o + i, r);
  }
  for (; i < len; i++)
    o[i] = wasm_f32x4_extract_lane(binary4(op, wasm_v128_load32_splat(a + i * ia), wasm_v128_load32_splat(b + i * ib)), 0);
}

// 4 condition bytes (0 false, anything else true) as 4 lane masks.
static inline v128_t mask4(const unsigned char *c) {
  v128_t v = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(c)));
  return wasm_v128_not(wasm_i32x4_eq(v, wasm_i32x4_splat(0)));
}

#define WHERE_ROW(IC, IA, IB)                                                                                        \
  for (; i + 4 <= len; i += 4)                                                                                       \
    wasm_v128_store(o + i, wasm_v128_bitselect(IA ? wasm_v128_load(a + i) : va, IB ? wasm_v128_load(b + i) : vb,      \
                                               IC ? mask4(c + i) : vc));
static void where_row(const unsigned char *c, int ic, const float *a, int ia, const float *b, int ib, float *o, int len) {
  int i = 0;
  v128_t vc = c[0] ? wasm_i32x4_splat(-1) : wasm_i32x4_splat(0);
  v128_t va = wasm_v128_load32_splat(a), vb = wasm_v128_load32_splat(b);
  if (ic) {
    if (ia && ib) WHERE_ROW(1, 1, 1)
    else if (ia) WHERE_ROW(1, 1, 0)
    else if (ib) WHERE_ROW(1, 0, 1)
    else WHERE_ROW(1, 0, 0)
  } else {
    if (ia && ib) WHERE_ROW(0, 1, 1)
    else if (ia) WHERE_ROW(0, 1, 0)
    else if (ib) WHERE_ROW(0, 0, 1)
    else WHERE_ROW(0, 0, 0)
  }
  for (; i < len; i++) o[i] = c[i * ic] ? a[i * ia] : b[i * ib];
}

// Output elements [lo, hi) of the job at d, row segment by row segment (the inner axis is E_N + 3).
static inline __attribute__((always_inline)) void walk(int op, const int *d, int lo, int hi) {
  const int *n = d + E_N, *sa = d + E_SA, *sb = d + E_SB, *sc = d + E_SC;
  const int inner = n[3];
  if (lo >= hi || inner == 0) return;
  const float *A = (const float *)d[E_A], *B = (const float *)d[E_B];
  const unsigned char *C = (const unsigned char *)d[E_C];
  float *O = (float *)d[E_O];
  int j = lo % inner, r = lo / inner;
  int i2 = r % n[2];
  r /= n[2];
  int i1 = r % n[1], i0 = r / n[1];
  for (int p = lo; p < hi;) {
    int len = inner - j < hi - p ? inner - j : hi - p;
    int oa = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + j * sa[3];
    int ob = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + j * sb[3];
    if (op == B_WHERE) {
      int oc = i0 * sc[0] + i1 * sc[1] + i2 * sc[2] + j * sc[3];
      where_row(C + oc, sc[3], A + oa, sa[3], B + ob, sb[3], O + p, len);
    } else
      binary_row(op, A + oa, sa[3], B + ob, sb[3], O + p, len);
    p += len;
    j = 0;
    if (++i2 == n[2]) {
      i2 = 0;
      if (++i1 == n[1]) i1 = 0, i0++;
    }
  }
}

/** Output elements [lo, hi) of the binary op or where described at byte pointer d (one specialised walk per op). */
__attribute__((export_name("elementwise")))
void elementwise(const int *d, int lo, int hi) {
  switch (d[E_OP]) {
    case B_ADD: walk(B_ADD, d, lo, hi); break;
    case B_SUB: walk(B_SUB, d, lo, hi); break;
    case B_MUL: walk(B_MUL, d, lo, hi); break;
    case B_DIV: walk(B_DIV, d, lo, hi); break;
    case B_MAX: walk(B_MAX, d, lo, hi); break;
    case B_MIN: walk(B_MIN, d, lo, hi); break;
    case B_SIGMOID_GRAD: walk(B_SIGMOID_GRAD, d, lo, hi); break;
    case B_TANH_GRAD: walk(B_TANH_GRAD, d, lo, hi); break;
    case B_RELU_GRAD: walk(B_RELU_GRAD, d, lo, hi); break;
    case B_SQUARE: walk(B_SQUARE, d, lo, hi); break;
    case B_CUBE: walk(B_CUBE, d, lo, hi); break;
    case B_GELU_TANH_GRAD: walk(B_GELU_TANH_GRAD, d, lo, hi); break;
    case B_WHERE: walk(B_WHERE, d, lo, hi); break;
  }
}
