// Fused float32 NCHW convolution kernels (forward, input gradient, weight gradient), #included at the end of kernels.c.
//
// Each block of work is a run of samples (or, for the weight gradient, one fixed chunk of samples): the sample's
// im2col goes into the calling thread's own column buffer (small enough to stay in L2, unlike the whole batch's
// im2col matrix), and the packed GEMM (gemm_block) multiplies it by the weights. 1×1 convolutions with stride 1
// and no padding use the image itself as the column matrix. The weight gradient sums each chunk's samples in order
// into its own partial, and the partials are added in chunk order, so no result depends on the thread count.
// That is the "gemm" path (descriptor word D_MODE = 0); the "packed" paths below (D_MODE = 1, the default) pack the
// weights once per call and gather the windows straight into the micro-kernel's panels instead.

// The job descriptor: int32 words in the arena (pointers are byte offsets).
enum {
  D_X, D_W, D_G, D_OUT, D_N, D_CIN, D_H, D_W_, D_COUT, D_GROUPS, D_KH, D_KW, D_SH, D_SW, D_DH, D_DW, D_PT, D_PL,
  D_OH, D_OW, D_COLS, D_COLS_BYTES, D_SCRATCH, D_SCRATCH_BYTES, D_PER, D_AP, D_MODE, D_ACC, D_WORDS
};

/** The calling thread's column buffer: thread t (found from its packing scratch) owns the t-th one. */
static float *thread_cols(const int *d, const float *scratch) {
  int t = ((int)scratch - d[D_SCRATCH]) / d[D_SCRATCH_BYTES];
  return (float *)(d[D_COLS] + t * d[D_COLS_BYTES]);
}

/** Whether the convolution reads the image as its own column matrix (1×1, stride 1, no padding). */
static int direct(const int *d) {
  return d[D_KH] == 1 && d[D_KW] == 1 && d[D_SH] == 1 && d[D_SW] == 1 && d[D_PT] == 0 && d[D_PL] == 0 &&
         d[D_OH] == d[D_H] && d[D_OW] == d[D_W_];
}

/** im2col of sample n into cols ([Cin·kh·kw, OH·OW]), or the image itself for a direct convolution. */
static const float *columns(const int *d, int n, float *cols) {
  int cin = d[D_CIN], h = d[D_H], w = d[D_W_];
  const float *xs = (const float *)d[D_X] + (long)n * cin * h * w;
  if (direct(d)) return xs;
  unfold(xs, cols, cin, h, w, d[D_KH], d[D_KW], d[D_SH], d[D_SW], d[D_DH], d[D_DW], d[D_PT], d[D_PL], d[D_OH], d[D_OW], 0.0f);
  return cols;
}

/** y[n] = W · cols(x[n]) per group, for the samples of block `b`. */
static void conv_forward(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cog = d[D_COUT] / G, P = d[D_OH] * d[D_OW];
  int K = d[D_CIN] / G * d[D_KH] * d[D_KW];
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  float *cols = thread_cols(d, scratch);
  for (int n = n0; n < n1; n++) {
    const float *c = columns(d, n, cols);
    float *y = (float *)d[D_OUT] + (long)n * d[D_COUT] * P;
    for (int g = 0; g < G; g++)
      gemm_block((const float *)d[D_W] + (long)g * cog * K, 0, c + (long)g * K * P, 0, y + (long)g * cog * P,
                 cog, K, P, 0, cog, 0, P, scratch);
  }
}

/** dx[n] = col2im(Wᵀ · g[n]) per group, for the samples of block `b`. */
static void conv_input_grad(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cog = d[D_COUT] / G, P = d[D_OH] * d[D_OW];
  int cin = d[D_CIN], h = d[D_H], w = d[D_W_], K = cin / G * d[D_KH] * d[D_KW];
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  int dir = direct(d);
  float *cols = thread_cols(d, scratch);
  for (int n = n0; n < n1; n++) {
    const float *gs = (const float *)d[D_G] + (long)n * d[D_COUT] * P;
    float *dx = (float *)d[D_OUT] + (long)n * cin * h * w;
    float *c = dir ? dx : cols;
    for (int g = 0; g < G; g++)
      gemm_block((const float *)d[D_W] + (long)g * cog * K, 1, gs + (long)g * cog * P, 0, c + (long)g * K * P,
                 K, cog, P, 0, K, 0, P, scratch);
    if (!dir) {
      fill(dx, cin * h * w, 0.0f);
      fold(cols, dx, cin, h, w, d[D_KH], d[D_KW], d[D_SH], d[D_SW], d[D_DH], d[D_DW], d[D_PT], d[D_PL], d[D_OH], d[D_OW]);
    }
  }
}

/** partial[b] = Σ g[n] · cols(x[n])ᵀ over the samples of chunk `b`, in sample order. */
static void conv_weight_grad(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cout = d[D_COUT], cog = cout / G, P = d[D_OH] * d[D_OW];
  int K = d[D_CIN] / G * d[D_KH] * d[D_KW], size = cout * K;
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  float *cols = thread_cols(d, scratch);
  float *tmp = cols + (long)d[D_CIN] * d[D_KH] * d[D_KW] * P; // one sample's product, added into the partial
  float *part = (float *)d[D_OUT] + (long)b * size;
  for (int n = n0; n < n1; n++) {
    const float *c = columns(d, n, cols);
    const float *gs = (const float *)d[D_G] + (long)n * cout * P;
    float *o = n == n0 ? part : tmp;
    for (int g = 0; g < G; g++)
      gemm_block(gs + (long)g * cog * P, 0, c + (long)g * K * P, 1, o + (long)g * cog * K, cog, P, K, 0, cog, 0, K, scratch);
    if (n != n0) {
      int q = 0;
      for (; q + 4 <= size; q += 4) wasm_v128_store(part + q, wasm_f32x4_add(wasm_v128_load(part + q), wasm_v128_load(tmp + q)));
      for (; q < size; q++) part[q] += tmp[q];
    }
  }
}

// ---- packed paths: weights packed once per call, windows gathered straight into the GEMM's panels ----
//
// With few channels (LeNet's 6 and 16) gemm_block's packing passes cost as much as its multiply-adds: the sample's
// im2col is written, read again into NR-wide panels, and the weights are packed again for every sample. Here the
// weights are packed once per call (conv_pack), the sample is copied once into a zero-padded image, and each panel
// row of 8 window positions is gathered from it with two unaligned vector loads (or four and two selects where the
// 8 positions straddle two output rows). The k blocks and their order are gemm_block's, so the forward results are
// bit for bit those of the gemm_block path.

/** The padded-image offset of output position q's window origin. */
static int window_origin(const int *d, int q, int wp) {
  int oy = q / d[D_OW];
  return oy * d[D_SH] * wp + (q - oy * d[D_OW]) * d[D_SW];
}

/** Rows of the padded image: exactly those the windows read (so negative padding crops). */
static int pad_rows(const int *d) { return (d[D_OH] - 1) * d[D_SH] + (d[D_KH] - 1) * d[D_DH] + 1; }
static int pad_cols(const int *d) { return (d[D_OW] - 1) * d[D_SW] + (d[D_KW] - 1) * d[D_DW] + 1; }

/** The equal k blocks gemm_block uses for a product with inner size k (at most KC each). */
static int k_step(int k) {
  int kb = (k + KC - 1) / KC;
  return (k + kb - 1) / kb;
}

/** Sample n's Cin input planes, zero-padded to the hp×wp window region, into dst (row stride wp). */
static void pad_sample(const int *d, int n, float *dst, int hp, int wp) {
  int cin = d[D_CIN], h = d[D_H], w = d[D_W_], pt = d[D_PT], pl = d[D_PL];
  const float *xs = (const float *)d[D_X] + (long)n * cin * h * w;
  int a = pl > 0 ? pl : 0, b = w + pl < wp ? w + pl : wp; // the columns [a, b) come from the image
  if (b < a) b = a;
  for (int c = 0; c < cin; c++)
    for (int y = 0; y < hp; y++) {
      float *row = dst + ((long)c * hp + y) * wp;
      int iy = y - pt;
      if (iy < 0 || iy >= h) {
        fill(row, wp, 0.0f);
        continue;
      }
      fill(row, a, 0.0f);
      fill(row + b, wp - b, 0.0f);
      const float *s = xs + ((long)c * h + iy) * w - pl;
      int q = a;
      for (; q + 4 <= b; q += 4) wasm_v128_store(row + q, wasm_v128_load(s + q));
      for (; q < b; q++) row[q] = s[q];
    }
}

/**
 * The thread's metadata area after its padded image: ko[K], the padded-image offsets of one group's kernel rows
 * (c, i, j), then room for the weight gradient's per-4-position records (3 words each, KC / 4 of them).
 */
static int *thread_meta(const int *d, float *pad, int hp, int wp) { return (int *)(pad + (long)d[D_CIN] * hp * wp + NR); }

static void kernel_offsets(const int *d, int hp, int wp, int *ko) {
  int K = d[D_CIN] / d[D_GROUPS] * d[D_KH] * d[D_KW], r = 0;
  for (int c = 0; r < K; c++)
    for (int i = 0; i < d[D_KH]; i++)
      for (int j = 0; j < d[D_KW]; j++) ko[r++] = (c * hp + i * d[D_DH]) * wp + j * d[D_DW];
}

/**
 * Bp = the kc×nc block (rows pc…, columns jc…) of group g's column matrix as NR-wide panels, gathered from the
 * padded image `pad` (hp×wp planes; ko: its kernel-row offsets): Bp[jr·kc + p·NR + j] = cols[pc + p, jc + jr + j],
 * 0 past the last column.
 */
static void pack_windows(const int *d, const float *pad, int hp, int wp, int g, int pc, int kc, int jc, int nc,
                         const int *ko, float *Bp) {
  int ow = d[D_OW];
  const float *base = pad + (long)g * (d[D_CIN] / d[D_GROUPS]) * hp * wp;
  v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  int oy = jc / ow, ox = jc - oy * ow; // the output position of the panel's first column
  for (int jr = 0; jr < nc; jr += NR) {
    int nr = nc - jr < NR ? nc - jr : NR, q0 = jc + jr, split = ow - ox < nr ? ow - ox : nr;
    // 0: one output row, 1: the first `split` columns on row oy and the rest on the next, 2: one at a time
    // (stride > 1, a short panel or rows shorter than 8)
    int path = d[D_SW] != 1 || nr < NR ? 2 : split == NR ? 0 : NR - split <= ow ? 1 : 2;
    int o0 = oy * d[D_SH] * wp + ox, o1 = (oy + 1) * d[D_SH] * wp - split; // o1 + j: column j ≥ split (path 1)
    v128_t sv = wasm_i32x4_splat(split);
    v128_t mlo = wasm_i32x4_gt(sv, lane), mhi = wasm_i32x4_gt(sv, wasm_i32x4_add(lane, wasm_i32x4_splat(4)));
    float *o = Bp + (long)jr * kc;
    const int *k = ko + pc;
    if (path == 0)
      for (int p = 0; p < kc; p++, o += NR) {
        const float *s = base + k[p] + o0;
        wasm_v128_store(o, wasm_v128_load(s));
        wasm_v128_store(o + 4, wasm_v128_load(s + 4));
      }
    else if (path == 1)
      for (int p = 0; p < kc; p++, o += NR) {
        const float *s = base + k[p];
        wasm_v128_store(o, wasm_v128_bitselect(wasm_v128_load(s + o0), wasm_v128_load(s + o1), mlo));
        wasm_v128_store(o + 4, wasm_v128_bitselect(wasm_v128_load(s + o0 + 4), wasm_v128_load(s + o1 + 4), mhi));
      }
    else
      for (int j = 0; j < NR; j++) {
        int at = j < nr ? window_origin(d, q0 + j, wp) : 0;
        for (int p = 0; p < kc; p++) Bp[(long)jr * kc + p * NR + j] = j < nr ? base[k[p] + at] : 0.0f;
      }
    ox += NR;
    while (ox >= ow) ox -= ow, oy++;
  }
}

/** C (first ? = : +=) the mc×nc product of packed Ap (row panels over kc) and packed Bp (column panels), row stride ldc. */
static void multiply_packed(const float *Ap, const float *Bp, float *C, int mc, int kc, int nc, int ldc, int first, float *tile) {
  for (int jr = 0; jr < nc; jr += NR) {
    int nr = nc - jr < NR ? nc - jr : NR;
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = mc - ir < MR ? mc - ir : MR;
      float *c = C + (long)ir * ldc + jr;
      if (nr == NR) micro(mr, kc, Ap + ir * kc, Bp + jr * kc, c, ldc, first);
      else {
        micro(mr, kc, Ap + ir * kc, Bp + jr * kc, tile, NR, 1);
        for (int i = 0; i < mr; i++)
          for (int j = 0; j < nr; j++) c[(long)i * ldc + j] = first ? tile[i * NR + j] : c[(long)i * ldc + j] + tile[i * NR + j];
      }
    }
  }
}

/** Rows of m rounded up to whole MR panels. */
static int panel_rows(int m) { return (m + MR - 1) / MR * MR; }

/** y[n] = W · cols(x[n]) per group with the pre-packed weights, for the samples of block `b`. */
static void conv_forward_packed(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cog = d[D_COUT] / G, P = d[D_OH] * d[D_OW];
  int K = d[D_CIN] / G * d[D_KH] * d[D_KW], ks = k_step(K), cogr = panel_rows(cog);
  int hp = pad_rows(d), wp = pad_cols(d);
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  // the padded image in the thread's column buffer (NR floats of slack each side: the straddling loads may overrun
  // a row), the panels and the edge tile where gemm_block would put its own
  float *pad = thread_cols(d, scratch) + NR, *Bp = scratch + MC * KC, *tile = Bp + KC * NC;
  const float *Ap = (const float *)d[D_AP];
  int *ko = thread_meta(d, pad, hp, wp);
  kernel_offsets(d, hp, wp, ko);
  for (int n = n0; n < n1; n++) {
    pad_sample(d, n, pad, hp, wp);
    float *y = (float *)d[D_OUT] + (long)n * d[D_COUT] * P;
    for (int g = 0; g < G; g++)
      for (int jc = 0; jc < P; jc += NC) {
        int nc = P - jc < NC ? P - jc : NC;
        for (int pc = 0; pc < K; pc += ks) {
          int kc = K - pc < ks ? K - pc : ks;
          pack_windows(d, pad, hp, wp, g, pc, kc, jc, nc, ko, Bp);
          multiply_packed(Ap + (long)g * cogr * K + (long)cogr * pc, Bp, y + (long)g * cog * P + jc, cog, kc, nc, P, pc == 0, tile);
        }
      }
  }
}


/**
 * dx[n] = col2im(Wᵀ · g[n]) per group with the pre-packed Wᵀ, for the samples of block `b`. (A col2im fused into the
 * GEMM's 5×8 tiles, each tile added into a padded gradient image, measured 10–40% slower at LeNet's shapes, probably
 * because a tile's rows, one kernel column apart, overlap: each load waits on the store before it. fold adds long rows.
 * Five rows at a time into a strip that stays in L1, folded at once, measured the same as this column buffer.)
 */
static void conv_input_grad_packed(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cog = d[D_COUT] / G, P = d[D_OH] * d[D_OW];
  int cin = d[D_CIN], h = d[D_H], w = d[D_W_], K = cin / G * d[D_KH] * d[D_KW], ks = k_step(cog), kr = panel_rows(K);
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  float *cols = thread_cols(d, scratch), *Bp = scratch + MC * KC, *tile = Bp + KC * NC;
  const float *Ap = (const float *)d[D_AP];
  for (int n = n0; n < n1; n++) {
    const float *gs = (const float *)d[D_G] + (long)n * d[D_COUT] * P;
    float *dx = (float *)d[D_OUT] + (long)n * cin * h * w;
    for (int g = 0; g < G; g++)
      for (int jc = 0; jc < P; jc += NC) {
        int nc = P - jc < NC ? P - jc : NC;
        for (int pc = 0; pc < cog; pc += ks) {
          int kc = cog - pc < ks ? cog - pc : ks;
          pack_rows(gs + (long)g * cog * P, P, pc, kc, jc, nc, Bp);
          multiply_packed(Ap + (long)g * kr * cog + (long)kr * pc, Bp, cols + (long)g * K * P + jc, K, kc, nc, P, pc == 0, tile);
        }
      }
    fill(dx, cin * h * w, 0.0f);
    fold(cols, dx, cin, h, w, d[D_KH], d[D_KW], d[D_SH], d[D_SW], d[D_DH], d[D_DW], d[D_PT], d[D_PL], d[D_OH], d[D_OW]);
  }
}

/** The 4-position records of positions [pc, pc+kc) for pack_windows_t: per group, its two origins and split. */
static void position_groups(const int *d, int wp, int pc, int kc, int *rec) {
  int ow = d[D_OW];
  for (int p = 0; p + 4 <= kc; p += 4, rec += 3) {
    int q = pc + p, ox = q % ow, split = ow - ox < 4 ? ow - ox : 4;
    // split = 0 marks a group gathered one position at a time (stride > 1, or spread over more than two rows)
    rec[0] = window_origin(d, q, wp), rec[1] = window_origin(d, q + 3, wp) - 3;
    rec[2] = d[D_SW] == 1 && 4 - split <= ow ? split : 0;
  }
}

/**
 * Ap = rows [i0, i1) × columns [pc, pc+kc) of group g's column matrix as MR-row panels with the output positions as
 * the GEMM's k: Ap[(ir−i0)·kc + p·MR + i] = cols[ir + i, pc + p], rows past i1 are 0. Gathered from the padded image
 * (kernel-row offsets ko, position records rec) four positions at a time, with two loads and a select where they
 * straddle two output rows, and transposed in registers.
 */
static void pack_windows_t(const int *d, const float *pad, int hp, int wp, int g, int i0, int i1, int pc, int kc,
                           const int *ko, const int *rec, float *Ap) {
  const float *base = pad + (long)g * (d[D_CIN] / d[D_GROUPS]) * hp * wp;
  v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  for (int ir = i0; ir < i1; ir += MR) {
    int mr = i1 - ir < MR ? i1 - ir : MR;
    // the panel's kernel rows (rows past mr repeat row ir; they are zeroed below)
    const float *s0 = base + ko[ir], *s1 = base + ko[mr > 1 ? ir + 1 : ir], *s2 = base + ko[mr > 2 ? ir + 2 : ir];
    const float *s3 = base + ko[mr > 3 ? ir + 3 : ir], *s4 = base + ko[mr > 4 ? ir + 4 : ir];
    float *o = Ap + (long)(ir - i0) * kc;
    const int *rc = rec;
    int p = 0;
    for (; p + 4 <= kc; p += 4, o += 4 * MR, rc += 3) {
      int a = rc[0], b = rc[1], split = rc[2];
      if (split > 0 && mr == MR) {
        v128_t m = wasm_i32x4_gt(wasm_i32x4_splat(split), lane);
        v128_t r0 = wasm_v128_bitselect(wasm_v128_load(s0 + a), wasm_v128_load(s0 + b), m);
        v128_t r1 = wasm_v128_bitselect(wasm_v128_load(s1 + a), wasm_v128_load(s1 + b), m);
        v128_t r2 = wasm_v128_bitselect(wasm_v128_load(s2 + a), wasm_v128_load(s2 + b), m);
        v128_t r3 = wasm_v128_bitselect(wasm_v128_load(s3 + a), wasm_v128_load(s3 + b), m);
        v128_t r4 = wasm_v128_bitselect(wasm_v128_load(s4 + a), wasm_v128_load(s4 + b), m);
        store_transposed4(o, MR, r0, r1, r2, r3);
        o[4] = wasm_f32x4_extract_lane(r4, 0); o[MR + 4] = wasm_f32x4_extract_lane(r4, 1);
        o[2 * MR + 4] = wasm_f32x4_extract_lane(r4, 2); o[3 * MR + 4] = wasm_f32x4_extract_lane(r4, 3);
      } else
        for (int t = 0; t < 4; t++) {
          int at = window_origin(d, pc + p + t, wp);
          for (int i = 0; i < MR; i++) o[t * MR + i] = i < mr ? base[ko[ir + i < i1 ? ir + i : ir] + at] : 0.0f;
        }
    }
    for (; p < kc; p++, o += MR) {
      int at = window_origin(d, pc + p, wp);
      for (int i = 0; i < MR; i++) o[i] = i < mr ? base[ko[ir + i < i1 ? ir + i : ir] + at] : 0.0f;
    }
  }
}

// The weight gradient's operand blocks: at most WG_ROWS kernel rows (packed into the scratch's B area, KC×NC floats)
// and WG_COLS output channels (into its A area, MC×KC floats) at a time.
#define WG_ROWS 1000
#define WG_COLS (MC / NR * NR)

/**
 * partial[b] = Σ cols(x[n]) · g[n]ᵀ (dWᵀ, K×cog per group) over the samples of chunk `b`: the output positions are
 * the GEMM's k, so each sample's product adds straight into the partial; samples and k blocks in order.
 */
static void conv_weight_grad_packed(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cout = d[D_COUT], cog = cout / G, P = d[D_OH] * d[D_OW];
  int K = d[D_CIN] / G * d[D_KH] * d[D_KW], ks = k_step(P), size = cout * K;
  int hp = pad_rows(d), wp = pad_cols(d);
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  float *pad = thread_cols(d, scratch) + NR, *Bp = scratch, *Ap = scratch + MC * KC, *tile = Ap + KC * NC;
  float *part = (float *)d[D_OUT] + (long)b * size;
  int *ko = thread_meta(d, pad, hp, wp), *rec = ko + K;
  kernel_offsets(d, hp, wp, ko);
  for (int n = n0; n < n1; n++) {
    pad_sample(d, n, pad, hp, wp);
    const float *gs = (const float *)d[D_G] + (long)n * cout * P;
    for (int g = 0; g < G; g++)
      for (int pc = 0; pc < P; pc += ks) {
        int kc = P - pc < ks ? P - pc : ks, first = n == n0 && pc == 0;
        position_groups(d, wp, pc, kc, rec);
        for (int jc = 0; jc < cog; jc += WG_COLS) {
          int nc = cog - jc < WG_COLS ? cog - jc : WG_COLS;
          pack_b(gs + (long)g * cog * P + (long)jc * P, 1, P, nc, 0, nc, pc, kc, Bp);
          for (int ic = 0; ic < K; ic += WG_ROWS) {
            int mc = K - ic < WG_ROWS ? K - ic : WG_ROWS;
            pack_windows_t(d, pad, hp, wp, g, ic, ic + mc, pc, kc, ko, rec, Ap);
            multiply_packed(Ap, Bp, part + (long)g * K * cog + (long)ic * cog + jc, mc, kc, nc, cog, first, tile);
          }
        }
      }
  }
}

// ---- the direct weight gradient (D_MODE = 2; width stride 1, fewer than 8 channels per group) ----
//
// With fewer output channels than the GEMM's 8-wide panels (LeNet's first layer: 6) the packed weight gradient
// wastes a quarter of its lanes and still packs the windows and g for every sample. Here nothing is packed but
// the zero-padded image: s[o, k] += g[o, q..q+4] · window_k[q..q+4] lane by lane, four consecutive output
// positions one vector loaded straight from the image (their windows are consecutive columns at width stride 1),
// or two loads and a select where they straddle two output rows; tiles of 3 channels × 2 kernel rows. The four
// lanes are added at the chunk's end, so the sums run in an order fixed by the geometry and the chunks alone.
// (The same scheme for the forward pass, y[o, q..q+8] += W[o, k] · window_k[q..q+8], measured 1.2–1.8× slower than
// the packed kernel, and this one no faster at 16 channels and 1.8× slower at 32: V8 schedules these loops with
// accumulators spilled to the stack, docs/cpu-performance.md.)

/** Lanes of a 4-position group read from its first origin: 4 one load; 1–3 a select of two; 0 four scalar loads. */
enum { GR_SPLIT, GR_O0, GR_O1, GR_O2, GR_O3, GR_WORDS };

/**
 * The records of the ceil(P/4) groups of 4 output positions: how to load their windows (GR_*), and the origins of
 * their 4 lanes in the padded image (lanes past P repeat the last position's origin).
 */
static void direct_groups(const int *d, int wp, int *rec) {
  int P = d[D_OH] * d[D_OW];
  for (int q0 = 0; q0 < P; q0 += 4, rec += GR_WORDS) {
    int o[4];
    for (int t = 0; t < 4; t++) o[t] = window_origin(d, q0 + t < P ? q0 + t : P - 1, wp);
    int split = 1;
    while (split < 4 && o[split] == o[0] + split) split++;
    int rest = split;
    while (rest < 4 && o[rest] == o[3] - (3 - rest)) rest++;
    rec[GR_SPLIT] = split == 4 ? 4 : rest == 4 ? split : 0;
    for (int t = 0; t < 4; t++) rec[GR_O0 + t] = o[t];
  }
}

/** The 4 lanes of group record r from s (a kernel row's start in the padded image). */
static inline v128_t group_load(const float *s, const int *r) {
  int split = r[GR_SPLIT];
  if (split == 4) return wasm_v128_load(s + r[GR_O0]);
  if (split > 0)
    return wasm_v128_bitselect(wasm_v128_load(s + r[GR_O0]), wasm_v128_load(s + r[GR_O3] - 3),
                               wasm_i32x4_gt(wasm_i32x4_splat(split), wasm_i32x4_make(0, 1, 2, 3)));
  return wasm_f32x4_make(s[r[GR_O0]], s[r[GR_O1]], s[r[GR_O2]], s[r[GR_O3]]);
}

/** The thread's metadata for the direct paths, after its padded image: ko[K], then the position groups' records. */
static int *direct_meta(const int *d, float *pad, int hp, int wp, int **rec) {
  int *ko = thread_meta(d, pad, hp, wp);
  *rec = ko + d[D_CIN] / d[D_GROUPS] * d[D_KH] * d[D_KW];
  return ko;
}

// One weight-gradient tile: RO channels × RK kernel rows, lane-wise sums s (RO rows of K vectors) over the full
// position groups, then the last partial group (gt: its g values, zero past P; mask: its valid lanes).
#define DEFINE_DIRECT_WG(RO, RK)                                                                                    \
  __attribute__((noinline)) static void direct_wg##RO##_##RK(const float *g0, int P, const float *base,            \
                                                             const int *ko, const int *rec, int full,              \
                                                             const float *gt, v128_t mask, float *s, int K,        \
                                                             int first) {                                          \
    v128_t acc[RO][RK];                                                                                             \
    for (int o = 0; o < RO; o++)                                                                                    \
      for (int k = 0; k < RK; k++) acc[o][k] = first ? wasm_f32x4_splat(0) : wasm_v128_load(s + ((long)o * K + k) * 4); \
    const float *row[RK];                                                                                           \
    for (int k = 0; k < RK; k++) row[k] = base + ko[k];                                                             \
    for (int j = 0; j < full; j++, rec += GR_WORDS) {                                                               \
      v128_t gv[RO];                                                                                                \
      for (int o = 0; o < RO; o++) gv[o] = wasm_v128_load(g0 + (long)o * P + 4 * j);                               \
      if (rec[GR_SPLIT] == 4) {                                                                                     \
        int a = rec[GR_O0];                                                                                         \
        for (int k = 0; k < RK; k++) {                                                                              \
          v128_t x = wasm_v128_load(row[k] + a);                                                                    \
          for (int o = 0; o < RO; o++) acc[o][k] = wasm_f32x4_add(acc[o][k], wasm_f32x4_mul(gv[o], x));             \
        }                                                                                                           \
      } else                                                                                                        \
        for (int k = 0; k < RK; k++) {                                                                              \
          v128_t x = group_load(row[k], rec);                                                                       \
          for (int o = 0; o < RO; o++) acc[o][k] = wasm_f32x4_add(acc[o][k], wasm_f32x4_mul(gv[o], x));             \
        }                                                                                                           \
    }                                                                                                               \
    if (gt) /* the last group: its g lanes past P are 0, and so are its window lanes (no 0 · inf) */                 \
      for (int k = 0; k < RK; k++) {                                                                                \
        v128_t x = wasm_v128_and(group_load(row[k], rec), mask);                                                    \
        for (int o = 0; o < RO; o++) acc[o][k] = wasm_f32x4_add(acc[o][k], wasm_f32x4_mul(wasm_v128_load(gt + 4 * o), x)); \
      }                                                                                                             \
    for (int o = 0; o < RO; o++)                                                                                    \
      for (int k = 0; k < RK; k++) wasm_v128_store(s + ((long)o * K + k) * 4, acc[o][k]);                           \
  }
#define WG_RO 3
#define WG_RK 2
#define WG_CAT(a, b, c) a##b##_##c
#define WG_NAME(RO, RK) WG_CAT(direct_wg, RO, RK)
DEFINE_DIRECT_WG(3, 2) // 2×2 as fast; 2×5, 3×3, 3×4, 2×4, 4×2, 2×3, 1×5 and 6×1 slower (V8 spills or less reuse)
DEFINE_DIRECT_WG(3, 1) // the kernel row past the last whole tile
DEFINE_DIRECT_WG(1, 1) // the channels past the last whole tile

/**
 * The chunk of samples `b`'s weight gradient Σ g[n] · cols(x[n])ᵀ (W's layout, cout×K per group): lane-wise sums in
 * the chunk's own 4·cout·K floats at D_ACC, over the samples in order, added across the lanes into partial b.
 */
static void conv_weight_grad_direct(const int *d, int b, float *scratch) {
  int G = d[D_GROUPS], cout = d[D_COUT], cog = cout / G, P = d[D_OH] * d[D_OW], K = d[D_CIN] / G * d[D_KH] * d[D_KW];
  int hp = pad_rows(d), wp = pad_cols(d), plane = d[D_CIN] / G * hp * wp, size = cout * K;
  int n0 = b * d[D_PER], n1 = n0 + d[D_PER] < d[D_N] ? n0 + d[D_PER] : d[D_N];
  float *pad = thread_cols(d, scratch) + NR, *gt = scratch; // gt: the last partial group's g values, WG_RO channels
  float *acc = (float *)d[D_ACC] + (long)b * size * 4, *part = (float *)d[D_OUT] + (long)b * size;
  int *rec, *ko = direct_meta(d, pad, hp, wp, &rec);
  kernel_offsets(d, hp, wp, ko);
  direct_groups(d, wp, rec);
  int full = P / 4, tail = P - 4 * full;
  v128_t mask = wasm_i32x4_gt(wasm_i32x4_splat(tail), wasm_i32x4_make(0, 1, 2, 3));
  for (int n = n0; n < n1; n++) {
    pad_sample(d, n, pad, hp, wp);
    for (int g = 0; g < G; g++) {
      const float *base = pad + (long)g * plane, *gs = (const float *)d[D_G] + ((long)n * cout + g * cog) * P;
      float *s = acc + (long)g * cog * K * 4;
      for (int o = 0; o < cog; o += WG_RO) {
        int ro = cog - o < WG_RO ? cog - o : WG_RO;
        const float *g0 = gs + (long)o * P, *gtp = 0;
        if (tail) {
          for (int i = 0; i < ro * 4; i++) gt[i] = i % 4 < tail ? g0[(long)(i / 4) * P + 4 * full + i % 4] : 0.0f;
          gtp = gt;
        }
        int first = n == n0;
        for (int k = 0; k < K; k += WG_RK) {
          float *sk = s + ((long)o * K + k) * 4;
          if (K - k >= WG_RK && ro == WG_RO) WG_NAME(WG_RO, WG_RK)(g0, P, base, ko + k, rec, full, gtp, mask, sk, K, first);
          else if (ro == WG_RO)
            for (int kk = k; kk < K; kk++)
              WG_NAME(WG_RO, 1)(g0, P, base, ko + kk, rec, full, gtp, mask, s + ((long)o * K + kk) * 4, K, first);
          else
            for (int oo = 0; oo < ro; oo++)
              for (int kk = k; kk < K && kk < k + WG_RK; kk++)
                direct_wg1_1(g0 + (long)oo * P, P, base, ko + kk, rec, full, gtp ? gtp + 4 * oo : 0, mask,
                             s + ((long)(o + oo) * K + kk) * 4, K, first);
        }
      }
    }
  }
  // the lanes of each sum added in a fixed order: (l0 + l1) + (l2 + l3)
  for (int i = 0; i < size; i++) {
    const float *v = acc + (long)i * 4;
    part[i] = (v[0] + v[1]) + (v[2] + v[3]);
  }
}

/**
 * Packs the weights once for the whole call at d[D_AP]: for the forward pass W (cog×K per group), for the input
 * gradient Wᵀ (K×cog per group), each as gemm_block's A panels for every k block in turn.
 */
__attribute__((export_name("conv_pack")))
void conv_pack(int kind, const int *d) {
  int G = d[D_GROUPS], cog = d[D_COUT] / G, K = d[D_CIN] / G * d[D_KH] * d[D_KW];
  float *Ap = (float *)d[D_AP];
  for (int g = 0; g < G; g++) {
    const float *Wg = (const float *)d[D_W] + (long)g * cog * K;
    if (kind == 0) {
      int ks = k_step(K), cogr = panel_rows(cog);
      for (int pc = 0; pc < K; pc += ks)
        pack_a(Wg, 0, cog, K, 0, cog, pc, K - pc < ks ? K - pc : ks, Ap + (long)g * cogr * K + (long)cogr * pc);
    } else {
      int ks = k_step(cog), kr = panel_rows(K);
      for (int pc = 0; pc < cog; pc += ks)
        pack_a(Wg, 1, K, cog, 0, K, pc, cog - pc < ks ? cog - pc : ks, Ap + (long)g * kr * cog + (long)kr * pc);
    }
  }
}

/**
 * Block `b` of convolution job `kind` (0: forward, 1: input gradient, 2: weight gradient) described at `d`: the
 * direct weight gradient (D_MODE 2), the packed kernels (1) or gemm_block's (0).
 */
__attribute__((export_name("conv_block")))
void conv_block(int kind, const int *d, int b, float *scratch) {
  // the weight gradient's packed path serves 1×1 convolutions too; the others read the image itself there
  int packed = d[D_MODE] && (kind == 2 || !direct(d));
  if (d[D_MODE] == 2 && kind == 2) conv_weight_grad_direct(d, b, scratch);
  else if (kind == 0) packed ? conv_forward_packed(d, b, scratch) : conv_forward(d, b, scratch);
  else if (kind == 1) packed ? conv_input_grad_packed(d, b, scratch) : conv_input_grad(d, b, scratch);
  else packed ? conv_weight_grad_packed(d, b, scratch) : conv_weight_grad(d, b, scratch);
}

/** dst[0:n] = src[0][0:n] + src[1][0:n] + … over `count` consecutive arrays, added in order. */
__attribute__((export_name("sum_partials")))
void sum_partials(const float *src, float *dst, int count, int n) {
  int q = 0;
  for (; q + 4 <= n; q += 4) {
    v128_t s = wasm_v128_load(src + q);
    for (int i = 1; i < count; i++) s = wasm_f32x4_add(s, wasm_v128_load(src + (long)i * n + q));
    wasm_v128_store(dst + q, s);
  }
  for (; q < n; q++) {
    float s = src[q];
    for (int i = 1; i < count; i++) s += src[(long)i * n + q];
    dst[q] = s;
  }
}
