// Layout kernels on 4-byte elements (float32 or int32 bits, never arithmetic except index_add_rows), #included at the
// end of kernels.c: a strided copy of a 4-axis box (permute, strided slices) and the row-wise index-add (an
// embedding's gradient).

/** dst[0..n) = src[0..n): vectors of four, then the tail. */
static inline void copy_run(int *dst, const int *src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

/**
 * Copies a box of four axes: dst[i0·d0 + i1·d1 + i2·d2 + i3·d3] = src[i0·s0 + i1·s1 + i2·s2 + i3·s3] (strides in
 * elements, any sign). When axis 2 is contiguous in the source and axis 3 in the destination (a transpose of the last
 * two axes) it moves 4×4 blocks through registers; otherwise it copies rows along axis 3.
 */
__attribute__((export_name("strided_copy")))
void strided_copy(const int *src, int *dst, int n0, int n1, int n2, int n3, int s0, int s1, int s2, int s3,
                  int d0, int d1, int d2, int d3) {
  int transpose = s2 == 1 && d3 == 1 && s3 != 1 && n2 >= 4 && n3 >= 4;
  for (int i0 = 0; i0 < n0; i0++)
    for (int i1 = 0; i1 < n1; i1++) {
      const int *a = src + i0 * s0 + i1 * s1;
      int *b = dst + i0 * d0 + i1 * d1;
      if (transpose) {
        // Tiles of 64 columns (axis 3), so the source rows a tile reads stay in L1 across its 4-row blocks of axis 2.
        for (int t0 = 0; t0 < n3; t0 += 64) {
          int t1 = t0 + 64 < n3 ? t0 + 64 : n3;
          int i2 = 0;
          for (; i2 + 4 <= n2; i2 += 4) {
            int i3 = t0;
            // Row j of the block is src[i2 .. i2+3, i3 + j], contiguous; its transpose is dst rows i2 .. i2+3.
            for (; i3 + 4 <= t1; i3 += 4) {
              const int *p = a + i2 + i3 * s3;
              store_transposed4((float *)(b + i2 * d2 + i3), d2, wasm_v128_load(p), wasm_v128_load(p + s3),
                                wasm_v128_load(p + 2 * s3), wasm_v128_load(p + 3 * s3));
            }
            for (; i3 < t1; i3++)
              for (int i = 0; i < 4; i++) b[(i2 + i) * d2 + i3] = a[i2 + i + i3 * s3];
          }
          for (; i2 < n2; i2++)
            for (int i3 = t0; i3 < t1; i3++) b[i2 * d2 + i3] = a[i2 + i3 * s3];
        }
      } else if (s3 == 1 && d3 == 1) {
        for (int i2 = 0; i2 < n2; i2++) copy_run(b + i2 * d2, a + i2 * s2, n3);
      } else {
        for (int i2 = 0; i2 < n2; i2++) {
          const int *a2 = a + i2 * s2;
          int *b2 = b + i2 * d2;
          for (int i3 = 0; i3 < n3; i3++) b2[i3 * d3] = a2[i3 * s3];
        }
      }
    }
}

/**
 * index_add along an axis, row by row: for each of `outer` blocks and each j < k, the `inner` floats of src row j are
 * added to dst row idx[j] (dst holds outer·n rows and starts as zeros; indices were checked). Rows are added in j
 * order, as the TypeScript kernel does, so repeated indices sum the same way.
 */
__attribute__((export_name("index_add_rows")))
void index_add_rows(const float *src, const int *idx, float *dst, int outer, int n, int k, int inner) {
  for (int p = 0; p < outer; p++)
    for (int j = 0; j < k; j++) {
      float *o = dst + ((long)p * n + idx[j]) * inner;
      const float *s = src + ((long)p * k + j) * inner;
      int i = 0;
      for (; i + 4 <= inner; i += 4) wasm_v128_store(o + i, wasm_f32x4_add(wasm_v128_load(o + i), wasm_v128_load(s + i)));
      for (; i < inner; i++) o[i] += s[i];
    }
}
