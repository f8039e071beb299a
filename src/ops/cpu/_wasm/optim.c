// Fused optimizer updates (Adam/AdamW, SGD): each parameter's whole update in one SIMD pass over g, p and the state.
//
// Included by kernels.c. Bit-identical to the op-by-op path of src/optim (adam.ts, sgd.ts): every +, −, ·, /, √ here
// is one float32 operation (f32x4, rounded once, as the reference's float64 result rounded to float32), in the same
// order on the same float32 scalars (the host rounds them with Math.fround), and maximum selects as elementwise.c's
// does. No FMA, no reassociation (clang does neither without -ffast-math). Lanes are independent, so the tail runs
// the same vector code on one element splatted into all four lanes.

// Adam flags (src/ops/cpu/optimizerKernels.ts): the L2 term g + p·wd; −g before it (maximize with L2); AMSGrad;
// √v / √(1 − β2^t) (skipped once that is exactly 1); AdamW's decoupled decay p·(1 − lr·wd) − p.
#define ADAM_L2 1
#define ADAM_NEG 2
#define ADAM_AMSGRAD 4
#define ADAM_BC2 8
#define ADAM_DECAY 16

/** Scalars of one Adam update, as float32 (adam.ts's names): wd, β1, ±(1 − β1), β2, 1 − β2, √(1 − β2^t), eps, −lr/(1 − β1^t), 1 − lr·wd. */
typedef struct {
  float wd, b1, c1, b2, c2, bc2, eps, neg_step, decay;
} adam_scalars;

// The same scalars splatted into four lanes, once per call.
typedef struct {
  v128_t wd, b1, c1, b2, c2, bc2, eps, neg_step, decay;
} adam_splats;

static inline __attribute__((always_inline)) v128_t max4(v128_t a, v128_t b) {
  // (a ≠ a or b ≠ b) ? NaN : a > b ? a : b, as elementwise.c's maximum
  v128_t nan = wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_ne(b, b));
  return wasm_v128_bitselect(wasm_i32x4_splat(0x7fc00000), wasm_v128_bitselect(a, b, wasm_f32x4_gt(a, b)), nan);
}

// Four lanes of one Adam update: reads g, p, m, v (and vmax), writes the update u, m', v' (and vmax').
static inline __attribute__((always_inline)) void adam4(int flags, const adam_splats *s, v128_t g, v128_t p, v128_t m,
                                                         v128_t v, v128_t vmax, v128_t *u, v128_t *mo, v128_t *vo,
                                                         v128_t *vmaxo) {
  if (flags & ADAM_NEG) g = wasm_f32x4_neg(g);
  if (flags & ADAM_L2) g = wasm_f32x4_add(g, wasm_f32x4_mul(p, s->wd));
  m = wasm_f32x4_add(wasm_f32x4_mul(m, s->b1), wasm_f32x4_mul(g, s->c1));
  v = wasm_f32x4_add(wasm_f32x4_mul(v, s->b2), wasm_f32x4_mul(wasm_f32x4_mul(g, s->c2), g));
  *mo = m;
  *vo = v;
  v128_t second = v;
  if (flags & ADAM_AMSGRAD) *vmaxo = second = max4(vmax, v);
  v128_t root = wasm_f32x4_sqrt(second);
  if (flags & ADAM_BC2) root = wasm_f32x4_div(root, s->bc2);
  v128_t delta = wasm_f32x4_div(wasm_f32x4_mul(m, s->neg_step), wasm_f32x4_add(root, s->eps));
  if (flags & ADAM_DECAY) delta = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_mul(p, s->decay), p), delta);
  *u = delta;
}

/**
 * One Adam/AdamW update of n elements. Pointers are byte offsets: g, p, m, v, vmax (read; vmax only with AMSGrad) and
 * u, mo, vo, vmaxo (written; vmaxo only with AMSGrad); s points at an adam_scalars.
 */
__attribute__((export_name("adam_step"))) void adam_step(int flags, const adam_scalars *s, const float *g, const float *p,
                                                          const float *m, const float *v, const float *vmax, float *u,
                                                          float *mo, float *vo, float *vmaxo, int n) {
  adam_splats k = {wasm_f32x4_splat(s->wd), wasm_f32x4_splat(s->b1),  wasm_f32x4_splat(s->c1),
                   wasm_f32x4_splat(s->b2), wasm_f32x4_splat(s->c2),  wasm_f32x4_splat(s->bc2),
                   wasm_f32x4_splat(s->eps), wasm_f32x4_splat(s->neg_step), wasm_f32x4_splat(s->decay)};
  int ams = flags & ADAM_AMSGRAD;
  v128_t zero = wasm_f32x4_splat(0.0f), ru, rm, rv, rx = zero;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    adam4(flags, &k, wasm_v128_load(g + i), wasm_v128_load(p + i), wasm_v128_load(m + i), wasm_v128_load(v + i),
          ams ? wasm_v128_load(vmax + i) : zero, &ru, &rm, &rv, &rx);
    wasm_v128_store(u + i, ru);
    wasm_v128_store(mo + i, rm);
    wasm_v128_store(vo + i, rv);
    if (ams) wasm_v128_store(vmaxo + i, rx);
  }
  for (; i < n; i++) {
    adam4(flags, &k, wasm_v128_load32_splat(g + i), wasm_v128_load32_splat(p + i), wasm_v128_load32_splat(m + i),
          wasm_v128_load32_splat(v + i), ams ? wasm_v128_load32_splat(vmax + i) : zero, &ru, &rm, &rv, &rx);
    u[i] = wasm_f32x4_extract_lane(ru, 0);
    mo[i] = wasm_f32x4_extract_lane(rm, 0);
    vo[i] = wasm_f32x4_extract_lane(rv, 0);
    if (ams) vmaxo[i] = wasm_f32x4_extract_lane(rx, 0);
  }
}

// SGD flags (sgd.ts): −g (maximize); the L2 term d + p·wd; momentum; the first step (the buffer starts at d);
// dampening ≠ 0 (d·(1 − dampening)); Nesterov (d + buf·μ).
#define SGD_NEG 1
#define SGD_L2 2
#define SGD_MOMENTUM 4
#define SGD_FIRST 8
#define SGD_DAMPEN 16
#define SGD_NESTEROV 32

// Four lanes of one SGD update: u = d·scale, and the next momentum buffer.
static inline __attribute__((always_inline)) void sgd4(int flags, v128_t wd, v128_t mu, v128_t damp, v128_t scale,
                                                        v128_t g, v128_t p, v128_t buf, v128_t *u, v128_t *bo) {
  v128_t d = flags & SGD_NEG ? wasm_f32x4_neg(g) : g;
  if (flags & SGD_L2) d = wasm_f32x4_add(d, wasm_f32x4_mul(p, wd));
  if (flags & SGD_MOMENTUM) {
    if (!(flags & SGD_FIRST))
      buf = wasm_f32x4_add(wasm_f32x4_mul(buf, mu), flags & SGD_DAMPEN ? wasm_f32x4_mul(d, damp) : d);
    else
      buf = d;
    *bo = buf;
    d = flags & SGD_NESTEROV ? wasm_f32x4_add(d, wasm_f32x4_mul(buf, mu)) : buf;
  }
  *u = wasm_f32x4_mul(d, scale);
}

/**
 * One SGD update of n elements: g, p (read only with the L2 term), buf (read after the first step) and u, bo (written;
 * bo only with momentum), byte offsets; wd, mu (momentum), damp (1 − dampening) and scale (−lr, or lr for plain
 * ascent) are float32.
 */
__attribute__((export_name("sgd_step"))) void sgd_step(int flags, float wd, float mu, float damp, float scale,
                                                        const float *g, const float *p, const float *buf, float *u,
                                                        float *bo, int n) {
  v128_t vwd = wasm_f32x4_splat(wd), vmu = wasm_f32x4_splat(mu), vdamp = wasm_f32x4_splat(damp), vscale = wasm_f32x4_splat(scale);
  int l2 = flags & SGD_L2, mom = flags & SGD_MOMENTUM, old = mom && !(flags & SGD_FIRST);
  v128_t zero = wasm_f32x4_splat(0.0f), ru, rb = zero;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    sgd4(flags, vwd, vmu, vdamp, vscale, wasm_v128_load(g + i), l2 ? wasm_v128_load(p + i) : zero,
         old ? wasm_v128_load(buf + i) : zero, &ru, &rb);
    wasm_v128_store(u + i, ru);
    if (mom) wasm_v128_store(bo + i, rb);
  }
  for (; i < n; i++) {
    sgd4(flags, vwd, vmu, vdamp, vscale, wasm_v128_load32_splat(g + i), l2 ? wasm_v128_load32_splat(p + i) : zero,
         old ? wasm_v128_load32_splat(buf + i) : zero, &ru, &rb);
    u[i] = wasm_f32x4_extract_lane(ru, 0);
    if (mom) bo[i] = wasm_f32x4_extract_lane(rb, 0);
  }
}

// RMSprop flags (rmsprop.ts): −g (maximize); the L2 term g + p·wd; centered (the running mean of g); momentum.
#define RMS_NEG 1
#define RMS_L2 2
#define RMS_CENTERED 4
#define RMS_MOMENTUM 8

/** Scalars of one RMSprop update, as float32: wd, α, 1 − α, eps, momentum, −lr. */
typedef struct {
  float wd, alpha, c, eps, mu, neg_lr;
} rmsprop_scalars;

/**
 * One RMSprop update of n elements: g, p, sq (the running mean of g²), ga (that of g; centered only), buf (momentum only)
 * read, and u, sqo, gao, bufo written (gao and bufo under the same conditions), byte offsets; s points at an
 * rmsprop_scalars.
 */
__attribute__((export_name("rmsprop_step"))) void rmsprop_step(int flags, const rmsprop_scalars *s, const float *g,
                                                                const float *p, const float *sq, const float *ga,
                                                                const float *buf, float *u, float *sqo, float *gao,
                                                                float *bufo, int n) {
  v128_t wd = wasm_f32x4_splat(s->wd), alpha = wasm_f32x4_splat(s->alpha), c = wasm_f32x4_splat(s->c);
  v128_t eps = wasm_f32x4_splat(s->eps), mu = wasm_f32x4_splat(s->mu), neg_lr = wasm_f32x4_splat(s->neg_lr);
  v128_t minus1 = wasm_f32x4_splat(-1.0f);
  int centered = flags & RMS_CENTERED, mom = flags & RMS_MOMENTUM;
  for (int i = 0; i < n;) {
    // Four lanes at a time, then the tail one element at a time (splatted: the same vector code).
    int four = i + 4 <= n;
#define RMS_LOAD(x) (four ? wasm_v128_load((x) + i) : wasm_v128_load32_splat((x) + i))
    v128_t gv = RMS_LOAD(g);
    if (flags & RMS_NEG) gv = wasm_f32x4_neg(gv);
    if (flags & RMS_L2) gv = wasm_f32x4_add(gv, wasm_f32x4_mul(RMS_LOAD(p), wd));
    v128_t sqv = wasm_f32x4_add(wasm_f32x4_mul(RMS_LOAD(sq), alpha), wasm_f32x4_mul(wasm_f32x4_mul(gv, c), gv));
    v128_t avg, gav = sqv, bv = sqv;
    if (centered) {
      gav = wasm_f32x4_add(wasm_f32x4_mul(RMS_LOAD(ga), alpha), wasm_f32x4_mul(gv, c));
      avg = wasm_f32x4_sqrt(wasm_f32x4_add(sqv, wasm_f32x4_mul(wasm_f32x4_mul(gav, minus1), gav)));
    } else
      avg = wasm_f32x4_sqrt(sqv);
    avg = wasm_f32x4_add(avg, eps);
    v128_t uv;
    if (mom) {
      bv = wasm_f32x4_add(wasm_f32x4_mul(RMS_LOAD(buf), mu), wasm_f32x4_div(gv, avg));
      uv = wasm_f32x4_mul(bv, neg_lr);
    } else
      uv = wasm_f32x4_div(wasm_f32x4_mul(gv, neg_lr), avg);
#undef RMS_LOAD
    if (four) {
      wasm_v128_store(u + i, uv);
      wasm_v128_store(sqo + i, sqv);
      if (centered) wasm_v128_store(gao + i, gav);
      if (mom) wasm_v128_store(bufo + i, bv);
      i += 4;
    } else {
      u[i] = wasm_f32x4_extract_lane(uv, 0);
      sqo[i] = wasm_f32x4_extract_lane(sqv, 0);
      if (centered) gao[i] = wasm_f32x4_extract_lane(gav, 0);
      if (mom) bufo[i] = wasm_f32x4_extract_lane(bv, 0);
      i += 1;
    }
  }
}

// Adagrad flags (adagrad.ts): −g (maximize); the L2 term g + p·wd.
#define ADAGRAD_NEG 1
#define ADAGRAD_L2 2

/**
 * One Adagrad update of n elements: g, p, sum (of g²) read, u and sumo written, byte offsets; wd, neg_clr (−lr/(1 +
 * step·lrDecay)) and eps are float32.
 */
__attribute__((export_name("adagrad_step"))) void adagrad_step(int flags, float wd, float neg_clr, float eps,
                                                                const float *g, const float *p, const float *sum,
                                                                float *u, float *sumo, int n) {
  v128_t vwd = wasm_f32x4_splat(wd), vclr = wasm_f32x4_splat(neg_clr), veps = wasm_f32x4_splat(eps);
  for (int i = 0; i < n;) {
    int four = i + 4 <= n;
#define ADAGRAD_LOAD(x) (four ? wasm_v128_load((x) + i) : wasm_v128_load32_splat((x) + i))
    v128_t gv = ADAGRAD_LOAD(g);
    if (flags & ADAGRAD_NEG) gv = wasm_f32x4_neg(gv);
    if (flags & ADAGRAD_L2) gv = wasm_f32x4_add(gv, wasm_f32x4_mul(ADAGRAD_LOAD(p), vwd));
    v128_t sv = wasm_f32x4_add(ADAGRAD_LOAD(sum), wasm_f32x4_mul(gv, gv));
    v128_t uv = wasm_f32x4_div(wasm_f32x4_mul(gv, vclr), wasm_f32x4_add(wasm_f32x4_sqrt(sv), veps));
#undef ADAGRAD_LOAD
    if (four) {
      wasm_v128_store(u + i, uv);
      wasm_v128_store(sumo + i, sv);
      i += 4;
    } else {
      u[i] = wasm_f32x4_extract_lane(uv, 0);
      sumo[i] = wasm_f32x4_extract_lane(sv, 0);
      i += 1;
    }
  }
}
