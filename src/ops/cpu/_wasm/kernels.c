// rivulet's WebAssembly SIMD (128-bit) CPU kernels: a packed, register-blocked float32 GEMM (BLIS loop nest).
//
// Built by scripts/build-wasm.sh with Debian's clang 14 into src/ops/cpu/_wasm/kernelsWasm.ts. The module
// imports one shared memory and uses no stack and no static data, so every thread instantiates it on the same
// memory; each thread passes its own packing scratch. Multiply and add stay separate (no FMA), so results match
// any 128-bit SIMD machine bit for bit.
#include <wasm_simd128.h>

#define MR 5
#define NR 8
#define KC 256
#define MC (128 / MR * MR)
#define NC 2048
/** An A of at most this many floats (16 KiB) in one k block is read in place rather than packed (read_a_in_place). */
#define DIRECT_FLOATS 4096
/** A row-major A is read in place rather than packed for products at most this wide (read_a_in_place). */
#define DIRECT_MAX_N 64

/** Floats of scratch one thread needs: packed A (MC×KC), packed B (KC×NC) and one edge tile (MR×NR). */
__attribute__((export_name("scratch_floats"))) int scratch_floats(void) { return MC * KC + KC * NC + MR * NR; }

/** Stores the 4×4 transpose of rows r0..r3 as four vectors `ld` floats apart: o[i*ld + j] = rj[i]. */
static inline void store_transposed4(float *o, int ld, v128_t r0, v128_t r1, v128_t r2, v128_t r3) {
  v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  wasm_v128_store(o, wasm_i64x2_shuffle(t0, t2, 0, 2));
  wasm_v128_store(o + ld, wasm_i64x2_shuffle(t0, t2, 1, 3));
  wasm_v128_store(o + 2 * ld, wasm_i64x2_shuffle(t1, t3, 0, 2));
  wasm_v128_store(o + 3 * ld, wasm_i64x2_shuffle(t1, t3, 1, 3));
}

// Ap holds mc×kc of op(A) as row panels of MR: Ap[ir*kc + p*MR + i] = op(A)[ic+ir+i, pc+p]; rows past the end are 0.
__attribute__((noinline)) static void pack_a(const float *A, int transA, int m, int k, int ic, int mc, int pc, int kc, float *Ap) {
  for (int ir = 0; ir < mc; ir += MR) {
    int mr = mc - ir < MR ? mc - ir : MR;
    int row = ic + ir;
    float *o = Ap + ir * kc;
    if (transA) {
      const float *s = A + (long)pc * m + row;
      if (mr == MR)
        // the MR values of one p are contiguous: four as a vector, the fifth alone
        for (int p = 0; p < kc; p++, s += m, o += MR) {
          wasm_v128_store(o, wasm_v128_load(s));
          o[4] = s[4];
        }
      else
        for (int p = 0; p < kc; p++, s += m, o += MR)
          for (int i = 0; i < MR; i++) o[i] = i < mr ? s[i] : 0.0f;
    } else {
      const float *s0 = A + (long)row * k + pc;
      if (mr == MR) {
        const float *s1 = s0 + k, *s2 = s1 + k, *s3 = s2 + k, *s4 = s3 + k;
        int p = 0;
        for (; p + 4 <= kc; p += 4, o += 4 * MR) {
          // rows 0–3, four columns at a time: transpose in registers; row 4 alone
          v128_t r0 = wasm_v128_load(s0 + p), r1 = wasm_v128_load(s1 + p);
          v128_t r2 = wasm_v128_load(s2 + p), r3 = wasm_v128_load(s3 + p);
          store_transposed4(o, MR, r0, r1, r2, r3);
          o[4] = s4[p]; o[MR + 4] = s4[p + 1]; o[2 * MR + 4] = s4[p + 2]; o[3 * MR + 4] = s4[p + 3];
        }
        for (; p < kc; p++, o += MR) {
          o[0] = s0[p]; o[1] = s1[p]; o[2] = s2[p]; o[3] = s3[p]; o[4] = s4[p];
        }
      } else
        for (int p = 0; p < kc; p++, o += MR)
          for (int i = 0; i < MR; i++) o[i] = i < mr ? s0[(long)i * k + p] : 0.0f;
    }
  }
}

/** The NR-wide panels of rows [pc, pc+kc) and columns [jc, jc+nc) of a row-major matrix with row stride ld. */
static void pack_rows(const float *B, int ld, int pc, int kc, int jc, int nc, float *Bp) {
  for (int jr = 0; jr < nc; jr += NR) {
    int nr = nc - jr < NR ? nc - jr : NR;
    const float *s = B + (long)pc * ld + jc + jr;
    float *o = Bp + (long)jr * kc;
    if (nr == NR)
      for (int p = 0; p < kc; p++, s += ld, o += NR) {
        wasm_v128_store(o, wasm_v128_load(s));
        wasm_v128_store(o + 4, wasm_v128_load(s + 4));
      }
    else
      for (int p = 0; p < kc; p++, s += ld, o += NR)
        for (int j = 0; j < NR; j++) o[j] = j < nr ? s[j] : 0.0f;
  }
}

// Bp holds kc×nc of op(B) as column panels of NR: Bp[jr*kc + p*NR + j] = op(B)[pc+p, jc+jr+j]; columns past the end are 0.
__attribute__((noinline)) static void pack_b(const float *B, int transB, int k, int n, int jc, int nc, int pc, int kc, float *Bp) {
  if (!transB) {
    pack_rows(B, n, pc, kc, jc, nc, Bp);
    return;
  }
  for (int jr = 0; jr < nc; jr += NR) {
    int nr = nc - jr < NR ? nc - jr : NR;
    int col = jc + jr;
    float *o = Bp + jr * kc;
    const float *s = B + (long)col * k + pc;
    if (nr == NR) {
      int p = 0;
      for (; p + 4 <= kc; p += 4, o += 4 * NR) {
        for (int h = 0; h < NR; h += 4) {
          const float *q = s + (long)h * k + p;
          v128_t r0 = wasm_v128_load(q), r1 = wasm_v128_load(q + k);
          v128_t r2 = wasm_v128_load(q + 2 * k), r3 = wasm_v128_load(q + 3 * k);
          store_transposed4(o + h, NR, r0, r1, r2, r3);
        }
      }
      for (; p < kc; p++, o += NR)
        for (int j = 0; j < NR; j++) o[j] = s[(long)j * k + p];
    } else
      for (int p = 0; p < kc; p++, o += NR)
        for (int j = 0; j < NR; j++) o[j] = j < nr ? s[(long)j * k + p] : 0.0f;
  }
}

// One R×NR tile (R ≤ MR rows of a row panel): C (first ? = : +=) Ap panel · Bp panel over kc, at c with row stride
// ldc. The constant-bound loops unroll fully and the accumulators live in registers: 2R of them, plus 2 of B, 1 of A
// and one product, 14 of x64's 16 XMM registers for R = 5 (6×8 spills in V8; 5×8 ran 10–15% faster than 4×8).
// R < MR serves the last row panel when m is not a multiple of MR, so no padded rows are computed.
// The empty asm statements make the pointers opaque to LLVM. Without them its loop-strength reduction turns each
// `b + 4` and `a + i` into an induction variable of its own, which V8 keeps in registers and spills from the loop;
// with them b's offset folds into the load instruction and each A address is one add (V8 folds no offset into a
// load-splat). Either way the sums run in the same order, so results are unchanged.
// NAME##R reads row i of A at a + i·RSTEP and steps A by ASTEP floats per step of k: packed panels (micro##R: 1,
// MR), a transposed A read in place (micro_as##R: 1, m) or a row-major one (micro_rs##R: k, 1; LLVM hoists the four
// row offsets out of the loop, which then runs as fast as the packed one). They are separate functions because a
// runtime step, one more argument, cost 2–3% on short k (kc = 10: [256,10]·[10,256] at 42 against 43 GFLOP/s,
// interleaved) where the micro-kernel's calls are many and short.
#define DEFINE_MICRO_AS(R, NAME, ASTEP, RSTEP, ...)                                                                   \
  __attribute__((noinline)) static void NAME##R(int kc, const float *a, ##__VA_ARGS__, const float *b, float *c,      \
                                                int ldc, int first) {                                               \
    v128_t acc[R][2];                                                                                               \
    for (int i = 0; i < R; i++) acc[i][0] = acc[i][1] = wasm_f32x4_splat(0);                                        \
    for (int p = 0; p < kc; p++, a += (ASTEP), b += NR) {                                                           \
      __asm__("" : "+r"(a), "+r"(b));                                                                               \
      v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);                                                    \
      for (int i = 0; i < R; i++) {                                                                                 \
        const float *ap = a + i * (RSTEP);                                                                          \
        __asm__("" : "+r"(ap));                                                                                     \
        v128_t ai = wasm_v128_load32_splat(ap);                                                                     \
        acc[i][0] = wasm_f32x4_add(acc[i][0], wasm_f32x4_mul(ai, b0));                                              \
        acc[i][1] = wasm_f32x4_add(acc[i][1], wasm_f32x4_mul(ai, b1));                                              \
      }                                                                                                             \
    }                                                                                                               \
    for (int i = 0; i < R; i++, c += ldc) {                                                                         \
      if (!first) {                                                                                                 \
        acc[i][0] = wasm_f32x4_add(acc[i][0], wasm_v128_load(c));                                                   \
        acc[i][1] = wasm_f32x4_add(acc[i][1], wasm_v128_load(c + 4));                                               \
      }                                                                                                             \
      wasm_v128_store(c, acc[i][0]);                                                                                \
      wasm_v128_store(c + 4, acc[i][1]);                                                                            \
    }                                                                                                               \
  }
#define DEFINE_MICRO(R)                                                                                             \
  DEFINE_MICRO_AS(R, micro, MR, 1) DEFINE_MICRO_AS(R, micro_as, as, 1, int as) DEFINE_MICRO_AS(R, micro_rs, 1, rs, int rs)
DEFINE_MICRO(1)
DEFINE_MICRO(2)
DEFINE_MICRO(3)
DEFINE_MICRO(4)
DEFINE_MICRO(5)

/** The micro-kernel on packed panels. */
static void micro(int rows, int kc, const float *a, const float *b, float *c, int ldc, int first) {
  switch (rows) {
    case 1: micro1(kc, a, b, c, ldc, first); break;
    case 2: micro2(kc, a, b, c, ldc, first); break;
    case 3: micro3(kc, a, b, c, ldc, first); break;
    case 4: micro4(kc, a, b, c, ldc, first); break;
    default: micro5(kc, a, b, c, ldc, first); break;
  }
}

/** The micro-kernel on a packed B and a row-major A read in place: row i at a + i·rs, one float per k step. */
static void micro_rows(int rows, int kc, const float *a, int rs, const float *b, float *c, int ldc, int first) {
  switch (rows) {
    case 1: micro_rs1(kc, a, rs, b, c, ldc, first); break;
    case 2: micro_rs2(kc, a, rs, b, c, ldc, first); break;
    case 3: micro_rs3(kc, a, rs, b, c, ldc, first); break;
    case 4: micro_rs4(kc, a, rs, b, c, ldc, first); break;
    default: micro_rs5(kc, a, rs, b, c, ldc, first); break;
  }
}

/** The micro-kernel on a packed B and an A whose rows are contiguous in each k step, `as` floats apart (as = MR: packed). */
static void micro_steps(int rows, int kc, const float *a, int as, const float *b, float *c, int ldc, int first) {
  if (as == MR) {
    micro(rows, kc, a, b, c, ldc, first);
    return;
  }
  switch (rows) {
    case 1: micro_as1(kc, a, as, b, c, ldc, first); break;
    case 2: micro_as2(kc, a, as, b, c, ldc, first); break;
    case 3: micro_as3(kc, a, as, b, c, ldc, first); break;
    case 4: micro_as4(kc, a, as, b, c, ldc, first); break;
    default: micro_as5(kc, a, as, b, c, ldc, first); break;
  }
}

/**
 * The mc×nc tiles of one block of C at c (row stride n) over one k block of kc: B packed at Bp; A packed at a (row
 * panel ir at a + ir·kc) or, with `direct`, a transposed A read in place (row ic + ir at a + ir, as floats per k).
 */
__attribute__((always_inline)) static inline void block_tiles(int direct, const float *a, int as, const float *Bp, float *c,
                                                              int n, int mc, int nc, int kc, int first, float *tile) {
  for (int jr = 0; jr < nc; jr += NR) {
    int nr = nc - jr < NR ? nc - jr : NR;
    const float *b = Bp + jr * kc;
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = mc - ir < MR ? mc - ir : MR;
      const float *ai = direct == 1 ? a + ir : direct == 2 ? a + (long)ir * as : a + ir * kc;
      float *ci = c + (long)ir * n + jr;
      if (nr == NR) {
        if (direct == 1) micro_steps(mr, kc, ai, as, b, ci, n, first);
        else if (direct == 2) micro_rows(mr, kc, ai, as, b, ci, n, first);
        else micro(mr, kc, ai, b, ci, n, first);
      } else {
        // right edge: compute mr full rows aside, keep only their first nr columns
        if (direct == 1) micro_steps(mr, kc, ai, as, b, tile, NR, 1);
        else if (direct == 2) micro_rows(mr, kc, ai, as, b, tile, NR, 1);
        else micro(mr, kc, ai, b, tile, NR, 1);
        for (int i = 0; i < mr; i++)
          for (int j = 0; j < nr; j++) ci[(long)i * n + j] = first ? tile[i * NR + j] : ci[(long)i * n + j] + tile[i * NR + j];
      }
    }
  }
}

/**
 * Whether gemm_block reads op(A) where it lies instead of packing it: when it is small (one k block, at most
 * DIRECT_FLOATS, in L1 beside the rest), or row-major and n at most DIRECT_MAX_N, so that packing, a pass over A, would
 * serve few column panels. A row-major A's 5 rows are read as 5 streams k floats apart; a transposed A's are
 * contiguous in each k step, m floats from the next step's. One thread, interleaved with the packing module, best
 * GFLOP/s, load 7–14: 64 × [64,64]·[64,32] 46.5 -> 52-54; [256,256]·[10,256]ᵀ 15-29 -> 32-34; [1024,128]·[128,16]
 * 46.8 -> 57.3, ·[128,32] 51.9 -> 58.5, ·[128,64] 54.0 -> 57.4. A large transposed A read in place lost
 * ([1024,256]ᵀ·[256,64] 45.6 -> 36.8: 4 KiB strides alias in L1), and a large row-major one gained nothing sure where
 * n is large (256³ and the GPT shapes ±2%, the MLP's [256,784]·[256,784]ᵀ 1–3% behind in a training step), so those
 * are packed. Reading a row-major B in place the same way gained nothing (45.3 -> 44.4 on 64 × [64,64]·[64,32]; its
 * packing is two vector copies per row), so B is always packed. The micro-kernels do the same arithmetic in the same
 * order either way: results are unchanged.
 */
static int read_a_in_place(int transA, int m, int k, int n) {
  return (k <= KC && (long)m * k <= DIRECT_FLOATS) || (!transA && n <= DIRECT_MAX_N);
}

/**
 * Rows [ic, ic+mc) of one k block [pc, pc+kc) against packed B (Bp: its nc columns' panels for this k block), into
 * c (those rows' first column, row stride n): op(A) read in place (`direct`, see read_a_in_place) or packed into Ap.
 * Two copies of the loop nest (block_tiles is inlined with a constant `direct`), so the packed path's per-tile work
 * is what it was: its kc = 10 products lost 2% to a select per tile.
 */
static void a_block(const float *A, int transA, int direct, int m, int k, int ic, int mc, int pc, int kc, float *Ap,
                    const float *Bp, float *c, int n, int nc, int first, float *tile) {
  if (direct && transA) block_tiles(1, A + (long)pc * m + ic, m, Bp, c, n, mc, nc, kc, first, tile);
  else if (direct) block_tiles(2, A + (long)ic * k + pc, k, Bp, c, n, mc, nc, kc, first, tile);
  else {
    pack_a(A, transA, m, k, ic, mc, pc, kc, Ap);
    block_tiles(0, Ap, kc, Bp, c, n, mc, nc, kc, first, tile);
  }
}

/**
 * C[i0:i1, j0:j1] of C[m×n] = op(A)[m×k] · op(B)[k×n] for row-major float32 operands; transA means A is stored
 * [k×m], transB that B is stored [n×k]. The block of C is overwritten. `scratch` holds scratch_floats() floats.
 */
__attribute__((export_name("gemm_block")))
void gemm_block(const float *A, int transA, const float *B, int transB, float *C, int m, int k, int n,
                int i0, int i1, int j0, int j1, float *scratch) {
  float *Ap = scratch, *Bp = scratch + MC * KC, *tile = Bp + KC * NC;
  if (i1 <= i0 || j1 <= j0) return;
  if (k == 0) {
    for (int i = i0; i < i1; i++)
      for (int j = j0; j < j1; j++) C[(long)i * n + j] = 0.0f;
    return;
  }
  // k and the block's rows in blocks of equal size (at most KC, MC): k = 784 is 4 × 196 rather than 3 × 256 + 16,
  // whose thin last block would pay the micro-kernel's C loads and stores for little work. The k blocks depend on k
  // alone, so every element is summed in the same order whatever block of C a thread computes.
  int kb = (k + KC - 1) / KC, ks = (k + kb - 1) / kb;
  int mb = (i1 - i0 + MC - 1) / MC, ms = ((i1 - i0 + mb - 1) / mb + MR - 1) / MR * MR;
  int direct_a = read_a_in_place(transA, m, k, n);
  for (int jc = j0; jc < j1; jc += NC) {
    int nc = j1 - jc < NC ? j1 - jc : NC;
    for (int pc = 0; pc < k; pc += ks) {
      int kc = k - pc < ks ? k - pc : ks;
      int first = pc == 0;
      pack_b(B, transB, k, n, jc, nc, pc, kc, Bp);
      for (int ic = i0; ic < i1; ic += ms) {
        int mc = i1 - ic < ms ? i1 - ic : ms;
        a_block(A, transA, direct_a, m, k, ic, mc, pc, kc, Ap, Bp, C + (long)ic * n + jc, n, nc, first, tile);
      }
    }
  }
}

// ---- threaded GEMM with op(B) packed once for every thread ----
//
// Cutting C into a grid of blocks that each pack their own rows of A and columns of B packs op(B) once per block row
// and op(A) once per block column: 2–9% more work than one thread's single pass on training's shapes. Instead a
// threaded job packs all of op(B) once into a shared buffer (gemm_pack_b_slab, column slabs in parallel), then
// cuts C into row blocks (gemm_rows_packed_b), each packing only its own rows of A: every operand is packed once.

/** Floats of the shared packed op(B) of a [k×n] product: every k block of its columns, in panels of NR. */
static int packed_b_stride(int n) { return (n + NR - 1) / NR * NR; }

/** The k blocks of gemm_block (equal sizes of at most KC), so that packed panels line up with its order of sums (conv.c has its own k_step). */
static int gemm_k_step(int k) {
  int kb = (k + KC - 1) / KC;
  return (k + kb - 1) / kb;
}

/**
 * Packs columns [j0, j1) of op(B) (j0 a multiple of NR) for every k block into Bp, which holds k × npad floats
 * (npad = n rounded up to NR): k block pc's panel of columns [j, j+NR) starts at Bp + pc·npad + j·kc, laid out as
 * pack_b lays it out.
 */
__attribute__((export_name("gemm_pack_b_slab")))
void gemm_pack_b_slab(const float *B, int transB, int k, int n, int j0, int j1, float *Bp) {
  int ks = gemm_k_step(k), npad = packed_b_stride(n);
  for (int pc = 0; pc < k; pc += ks) {
    int kc = k - pc < ks ? k - pc : ks;
    pack_b(B, transB, k, n, j0, j1 - j0, pc, kc, Bp + (long)pc * npad + (long)j0 * kc);
  }
}

/**
 * Rows [i0, i1) of C[m×n] = op(A) · op(B) with op(B) already packed whole by gemm_pack_b_slab at Bp; k ≥ 1. The same
 * micro-kernel calls over the same k blocks as gemm_block, so the rows are bit-identical to its result.
 */
__attribute__((export_name("gemm_rows_packed_b")))
void gemm_rows_packed_b(const float *A, int transA, const float *Bp, float *C, int m, int k, int n, int i0, int i1,
                        float *scratch) {
  float *Ap = scratch, *tile = scratch + MC * KC + KC * NC;
  if (i1 <= i0 || n <= 0) return;
  int ks = gemm_k_step(k), npad = packed_b_stride(n);
  int mb = (i1 - i0 + MC - 1) / MC, ms = ((i1 - i0 + mb - 1) / mb + MR - 1) / MR * MR;
  int direct_a = read_a_in_place(transA, m, k, n);
  for (int pc = 0; pc < k; pc += ks) {
    int kc = k - pc < ks ? k - pc : ks;
    for (int ic = i0; ic < i1; ic += ms) {
      int mc = i1 - ic < ms ? i1 - ic : ms;
      a_block(A, transA, direct_a, m, k, ic, mc, pc, kc, Ap, Bp + (long)pc * npad, C + (long)ic * n, n, n, pc == 0, tile);
    }
  }
}

// ---- im2col (unfold) and col2im (fold) over NCHW planes, as src/ops/cpu/window.ts computes them ----

static int ceil_div(int x, int y) { return x >= 0 ? (x + y - 1) / y : -((-x) / y); }

/** The output columns [*a, *b) whose input column q·sw + off falls inside [0, w) (the rest read padding). */
static void inside_columns(int off, int sw, int w, int ow, int *a, int *b) {
  int lo = ceil_div(-off, sw), hi = ceil_div(w - off, sw);
  lo = lo < 0 ? 0 : lo > ow ? ow : lo;
  hi = hi > ow ? ow : hi;
  *a = lo;
  *b = hi < lo ? lo : hi;
}

static void fill(float *d, int n, float v) {
  v128_t vv = wasm_f32x4_splat(v);
  int q = 0;
  for (; q + 4 <= n; q += 4) wasm_v128_store(d + q, vv);
  for (; q < n; q++) d[q] = v;
}

/**
 * dst[plane, i, j, y, x] = src[plane, y·sh − pt + i·dh, x·sw − pl + j·dw], or `value` where that is outside the
 * input; `planes` = N·C input planes of h×w, windows kh×kw, output oh×ow positions.
 */
__attribute__((export_name("unfold")))
void unfold(const float *src, float *dst, int planes, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw,
            int pt, int pl, int oh, int ow, float value) {
  int L = oh * ow, plane = h * w;
  for (int pc = 0; pc < planes; pc++) {
    const float *sp = src + (long)pc * plane;
    for (int i = 0; i < kh; i++)
      for (int j = 0; j < kw; j++) {
        float *row = dst + ((long)(pc * kh + i) * kw + j) * L;
        int off = j * dw - pl, a, b;
        inside_columns(off, sw, w, ow, &a, &b);
        for (int y = 0; y < oh; y++) {
          float *d = row + (long)y * ow;
          int ih = y * sh - pt + i * dh;
          if (ih < 0 || ih >= h) {
            fill(d, ow, value);
            continue;
          }
          fill(d, a, value);
          fill(d + b, ow - b, value);
          const float *s = sp + (long)ih * w + off;
          if (sw == 1) {
            int q = a;
            for (; q + 4 <= b; q += 4) wasm_v128_store(d + q, wasm_v128_load(s + q));
            for (; q < b; q++) d[q] = s[q];
          } else
            for (int q = a; q < b; q++) d[q] = s[q * sw];
        }
      }
  }
}

/** The adjoint of unfold: dst (zeroed by the caller) += each window column back at its input position; padding drops. */
__attribute__((export_name("fold")))
void fold(const float *src, float *dst, int planes, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw,
          int pt, int pl, int oh, int ow) {
  int L = oh * ow, plane = h * w;
  for (int pc = 0; pc < planes; pc++) {
    float *dp = dst + (long)pc * plane;
    for (int i = 0; i < kh; i++)
      for (int j = 0; j < kw; j++) {
        const float *row = src + ((long)(pc * kh + i) * kw + j) * L;
        int off = j * dw - pl, a, b;
        inside_columns(off, sw, w, ow, &a, &b);
        for (int y = 0; y < oh; y++) {
          int ih = y * sh - pt + i * dh;
          if (ih < 0 || ih >= h) continue;
          const float *s = row + (long)y * ow;
          float *d = dp + (long)ih * w + off;
          if (sw == 1) {
            int q = a;
            for (; q + 4 <= b; q += 4) wasm_v128_store(d + q, wasm_f32x4_add(wasm_v128_load(d + q), wasm_v128_load(s + q)));
            for (; q < b; q++) d[q] += s[q];
          } else
            for (int q = a; q < b; q++) d[q * sw] += s[q];
        }
      }
  }
}

// ---- elementwise (unary, binary, where) ----
#include "elementwise.c"

// ---- convolution (forward and both gradients) ----
#include "conv.c"

// ---- layout (strided copy, index-add of rows) ----
#include "layout.c"

// ---- reductions and broadcast copies ----
#include "reduce.c"

// ---- max pooling (maxPoolIndices, row-wise gather and scatter-add) ----
#include "pool.c"
// ---- fused optimizer updates (Adam/AdamW, SGD) ----
#include "optim.c"
// ---- Winograd transforms of the convolutions (_winograd.ts) ----
#include "winograd.c"
