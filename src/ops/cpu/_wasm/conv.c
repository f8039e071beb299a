// Fused float32 NCHW convolution kernels (forward, input gradient, weight gradient), #included at the end of kernels.c.
//
// Each block of work is a run of samples (or, for the weight gradient, one fixed chunk of samples): the sample's
// im2col goes into the calling thread's own column buffer (small enough to stay in L2, unlike the whole batch's
// im2col matrix), and the packed GEMM (gemm_block) multiplies it by the weights. 1×1 convolutions with stride 1
// and no padding use the image itself as the column matrix. The weight gradient sums each chunk's samples in order
// into its own partial, and the partials are added in chunk order, so no result depends on the thread count.

// The job descriptor: int32 words in the arena (pointers are byte offsets).
enum {
  D_X, D_W, D_G, D_OUT, D_N, D_CIN, D_H, D_W_, D_COUT, D_GROUPS, D_KH, D_KW, D_SH, D_SW, D_DH, D_DW, D_PT, D_PL,
  D_OH, D_OW, D_COLS, D_COLS_BYTES, D_SCRATCH, D_SCRATCH_BYTES, D_PER, D_WORDS
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

/** Block `b` of convolution job `kind` (0: forward, 1: input gradient, 2: weight gradient) described at `d`. */
__attribute__((export_name("conv_block")))
void conv_block(int kind, const int *d, int b, float *scratch) {
  if (kind == 0) conv_forward(d, b, scratch);
  else if (kind == 1) conv_input_grad(d, b, scratch);
  else conv_weight_grad(d, b, scratch);
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
