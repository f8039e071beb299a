// Running mean and variance over batches (Chan et al.'s parallel update, as Gymnasium's RunningMeanStd), an immutable value.

/** Mean, variance and (fractional) count of everything seen so far; count starts at 1e-4 as in Gymnasium. */
export interface RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  readonly count: number;
}

/** The empty statistics of `size`-element vectors (mean 0, variance 1, count 1e-4, Gymnasium's epsilon). */
export const runningMeanStd = (size: number): RunningMeanStd => ({ mean: new Float64Array(size), var: new Float64Array(size).fill(1), count: 1e-4 });

/**
 * The statistics after also seeing `batch` (rows of `size` values, flattened).
 * @example
 * const s = updateRunningMeanStd(runningMeanStd(1), [1, 2, 3]); // mean ≈ 2, var ≈ 2/3
 */
export const updateRunningMeanStd = (s: RunningMeanStd, batch: ArrayLike<number>): RunningMeanStd => {
  const size = s.mean.length;
  if (batch.length % size !== 0) throw new Error(`updateRunningMeanStd: batch of ${batch.length} values is not a whole number of ${size}-element rows`);
  const n = batch.length / size;
  if (n === 0) return s;
  const mean = new Float64Array(size);
  const varr = new Float64Array(size);
  for (let r = 0; r < n; r++) for (let i = 0; i < size; i++) mean[i] += batch[r * size + i]! / n;
  for (let r = 0; r < n; r++) for (let i = 0; i < size; i++) varr[i] += (batch[r * size + i]! - mean[i]!) ** 2 / n;
  const total = s.count + n;
  const nextMean = new Float64Array(size);
  const nextVar = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const delta = mean[i]! - s.mean[i]!;
    nextMean[i] = s.mean[i]! + (delta * n) / total;
    nextVar[i] = (s.var[i]! * s.count + varr[i]! * n + (delta ** 2 * s.count * n) / total) / total;
  }
  return { mean: nextMean, var: nextVar, count: total };
};
