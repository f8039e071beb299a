// Histograms as TensorBoard stores them: numpy.histogram counts, trimmed to the occupied range, as torch.utils.tensorboard's make_histogram.
import type { HistogramProto } from "./_eventProto.js";

/** How to bin: "tensorflow" (TensorBoard's default exponential limits), a bin count (equal widths over [min, max]), or the edges. */
export type HistogramBins = "tensorflow" | number | readonly number[];

/** The bucket edges PyTorch's SummaryWriter uses by default: ±1e-12·1.1^k up to 1e20, and 0. */
export const defaultBucketLimits = (): number[] => {
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  return [...pos.map((v) => -v).reverse(), 0, ...pos];
};

/** numpy.histogram's edges for `n` equal bins (an empty range widens to ±0.5, as numpy does). */
const linearEdges = (lo: number, hi: number, n: number): number[] => {
  const [a, b] = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
  const step = (b - a) / n;
  // numpy.linspace's arithmetic (i·step + start, the end exact), so edges match numpy's bit for bit.
  return Array.from({ length: n + 1 }, (_, i) => (i === n ? b : i * step + a));
};

/** Counts per bin [e_i, e_i+1) (the last bin closed), values outside the edges ignored: numpy.histogram. */
const countBins = (values: ArrayLike<number>, edges: readonly number[]): number[] => {
  const n = edges.length - 1;
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= edges[0]! && v <= edges[n]!)) continue;
    // The largest i with edges[i] <= v, by binary search.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid]! <= v) lo = mid;
      else hi = mid - 1;
    }
    counts[Math.min(lo, n - 1)]!++;
  }
  return counts;
};

/**
 * A HistogramProto of `values`: statistics, and the occupied bins as right limits with counts (plus one empty bin on the
 * left, since TensorBoard only stores right limits), exactly as torch.utils.tensorboard.summary.make_histogram.
 * @example
 * makeHistogram([1, 2, 2, 3], { bins: 2 }); // bucketLimit [1, 2, 3], bucket [0, 1, 3]
 */
export const makeHistogram = (values: ArrayLike<number>, { bins = "tensorflow", maxBins }: { bins?: HistogramBins; maxBins?: number } = {}): HistogramProto => {
  if (values.length === 0) throw new Error("addHistogram: the values are empty; a histogram needs at least one value");
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new Error(`addHistogram: value ${i} is ${v}; histograms need finite values`);
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
  }
  let edges: readonly number[];
  if (bins === "tensorflow") edges = defaultBucketLimits();
  else if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) throw new Error(`addHistogram: bins must be a positive integer, "tensorflow" or an array of edges, got ${bins}`);
    edges = linearEdges(min, max, bins);
  } else if (Array.isArray(bins)) {
    if (bins.length < 2 || bins.some((e, i) => !Number.isFinite(e) || (i > 0 && e < bins[i - 1]!)))
      throw new Error(`addHistogram: bin edges must be at least two finite, increasing numbers, got [${bins.join(", ")}]`);
    edges = bins;
  } else throw new Error(`addHistogram: bins must be "tensorflow", a positive integer or an array of edges, got ${String(bins)}`);
  let counts = countBins(values, edges);
  let limits = [...edges];
  if (maxBins !== undefined && counts.length > maxBins) {
    // Merge groups of `sub` bins (padding the last group with empty bins), as torch does.
    const sub = Math.floor(counts.length / maxBins);
    const merged: number[] = [];
    for (let i = 0; i < counts.length; i += sub) merged.push(counts.slice(i, i + sub).reduce((a, b) => a + b, 0));
    limits = [...limits.slice(0, -1).filter((_, i) => i % sub === 0), limits[limits.length - 1]!];
    counts = merged;
  }
  // The support: from the first to the last non-empty bin.
  const first = counts.findIndex((c) => c > 0);
  const last = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
  if (first < 0) throw new Error(`addHistogram: no value falls inside the bin edges [${limits[0]}, ${limits[limits.length - 1]}]`);
  const bucket = first > 0 ? counts.slice(first - 1, last + 1) : [0, ...counts.slice(0, last + 1)];
  const bucketLimit = limits.slice(first, last + 2);
  return { min, max, num: values.length, sum, sumSquares, bucketLimit, bucket };
};
