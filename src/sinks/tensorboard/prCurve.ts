// Precision–recall curve data as TensorBoard's pr_curves plugin stores it (torch.utils.tensorboard.summary.compute_curve).

/** Rows tp, fp, tn, fn, precision, recall, each with one entry per threshold. */
export type PrCurveData = readonly [tp: number[], fp: number[], tn: number[], fn: number[], precision: number[], recall: number[]];

const MINIMUM_COUNT = 1e-7;

/**
 * Counts and ratios at `numThresholds` evenly spaced thresholds in [0, 1]: predictions are bucketed by
 * floor(p·(numThresholds − 1)), and each threshold counts the buckets at or above it.
 * @example
 * computeCurve([1, 0], [0.9, 0.2], { numThresholds: 3 }); // tp [1, 1, 0], fp [1, 0, 0], ...
 */
export const computeCurve = (
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  { numThresholds = 127, weights }: { numThresholds?: number; weights?: ArrayLike<number> | number } = {},
): PrCurveData => {
  if (labels.length !== predictions.length)
    throw new Error(`addPrCurve: labels and predictions must have as many elements, got ${labels.length} and ${predictions.length}`);
  if (!Number.isInteger(numThresholds) || numThresholds < 2) throw new Error(`addPrCurve: numThresholds must be an integer ≥ 2, got ${numThresholds}`);
  const n = numThresholds;
  const tpBuckets = new Array<number>(n).fill(0);
  const fpBuckets = new Array<number>(n).fill(0);
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i]!;
    const w = weights === undefined ? 1 : typeof weights === "number" ? weights : weights[i]!;
    // np.int32(np.floor(p * (n - 1))), then numpy.histogram over range (0, n - 1) with n bins: in-range indices map to themselves.
    // A float32 tensor's product is rounded to float32 first, as numpy computes it.
    const b = Math.floor(predictions instanceof Float32Array ? Math.fround(p * (n - 1)) : p * (n - 1));
    if (!(b >= 0 && b <= n - 1)) continue;
    const bin = Math.min(Math.floor((b * n) / (n - 1)), n - 1);
    tpBuckets[bin]! += labels[i]! * w;
    fpBuckets[bin]! += (1 - labels[i]!) * w;
  }
  const tp = new Array<number>(n);
  const fp = new Array<number>(n);
  let accT = 0;
  let accF = 0;
  for (let i = n - 1; i >= 0; i--) {
    accT += tpBuckets[i]!;
    accF += fpBuckets[i]!;
    tp[i] = accT;
    fp[i] = accF;
  }
  const tn = fp.map((v) => fp[0]! - v);
  const fn = tp.map((v) => tp[0]! - v);
  const precision = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fp[i]!));
  const recall = tp.map((v, i) => v / Math.max(MINIMUM_COUNT, v + fn[i]!));
  return [tp, fp, tn, fn, precision, recall];
};
