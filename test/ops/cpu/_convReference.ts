// Convolutions in float64 straight from the definition: the reference that test/ops/cpu/winograd.test.ts and
// bench/winogradConv.ts measure the Winograd and direct kernels' error against.
import type { Tensor } from "../../../src/index.js";
import { windowCount } from "../../../src/ops/_shape.js";

export type Shape4 = readonly [number, number, number, number];
export interface ConvCase {
  readonly x: Shape4;
  readonly w: Shape4;
  readonly pad: readonly [number, number, number, number];
}

/** The output shape [N, K, OH, OW] of a stride-1 convolution. */
export const outShape = ({ x, w, pad }: ConvCase): Shape4 => [x[0], w[0], windowCount(x[2], w[2], 1, 1, pad[0], pad[1]), windowCount(x[3], w[3], 1, 1, pad[2], pad[3])];

/** The three passes in float64 straight from the definition: y[n,k,i,j] = Σ x[n,c,i+u−pt,j+v−pl]·w[k,c,u,v]. */
export const reference = (c: ConvCase, x: Float32Array, w: Float32Array, g: Float32Array) => {
  const [N, C, H, W] = c.x, [K, , R, S] = c.w, [, , OH, OW] = outShape(c), [pt, , pl] = c.pad;
  const y = new Float64Array(N * K * OH * OW), dx = new Float64Array(x.length), dw = new Float64Array(w.length);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          const yi = ((n * K + k) * OH + i) * OW + j;
          let acc = 0;
          for (let ch = 0; ch < C; ch++)
            for (let u = 0; u < R; u++) {
              const ih = i + u - pt;
              if (ih < 0 || ih >= H) continue;
              for (let v = 0; v < S; v++) {
                const iw = j + v - pl;
                if (iw < 0 || iw >= W) continue;
                const xi = ((n * C + ch) * H + ih) * W + iw, wi = ((k * C + ch) * R + u) * S + v;
                acc += x[xi]! * w[wi]!;
                dx[xi]! += g[yi]! * w[wi]!;
                dw[wi]! += g[yi]! * x[xi]!;
              }
            }
          y[yi] = acc;
        }
  return { y, dx, dw };
};

/** max |got − want| / max |want|: the error relative to the output's scale. */
export const relError = (got: Tensor, want: Float64Array): number => {
  const a = got.dataSync();
  let err = 0, scale = 0;
  for (let i = 0; i < want.length; i++) (err = Math.max(err, Math.abs(a[i]! - want[i]!))), (scale = Math.max(scale, Math.abs(want[i]!)));
  return err / scale;
};

