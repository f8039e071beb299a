// Running averages of metrics (the curriculum's Accumulator): pure sums, and an operator emitting the running means.
import { map, scan, type OperatorFunction } from "rxjs";

/** Sums of weighted metrics and the total weight (d2l's Accumulator over [Σ loss·n, Σ acc·n, Σ n]). */
export interface Accumulator {
  readonly sums: Readonly<Record<string, number>>;
  readonly weight: number;
  readonly count: number;
}

/** An accumulator holding nothing. */
export const emptyAccumulator: Accumulator = Object.freeze({ sums: Object.freeze({}), weight: 0, count: 0 });

/** Adds one observation of metrics with a weight (usually the batch's sample count). */
export const accumulatorAdd = (acc: Accumulator, metrics: Readonly<Record<string, number>>, weight = 1): Accumulator => {
  if (!(weight >= 0) || !Number.isFinite(weight)) throw new Error(`accumulatorAdd: weight must be a finite number >= 0, got ${weight}`);
  const sums: Record<string, number> = { ...acc.sums };
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== "number") throw new Error(`accumulatorAdd: metric "${k}" must be a number, got ${typeof v}`);
    sums[k] = (sums[k] ?? 0) + v * weight;
  }
  return { sums, weight: acc.weight + weight, count: acc.count + 1 };
};

/** The weighted means of the accumulated metrics (NaN for a metric when nothing has been weighed). */
export const accumulatorMeans = (acc: Accumulator): Record<string, number> =>
  Object.fromEntries(Object.entries(acc.sums).map(([k, s]) => [k, s / acc.weight]));

/** Running means after each value, with the weight and count seen so far. */
export interface RunningAverage {
  readonly metrics: Readonly<Record<string, number>>;
  readonly weight: number;
  readonly count: number;
}

/**
 * Emits the running, weight-averaged means of the values' metrics (by default each value's `samples`, else 1),
 * i.e. the mean over all samples so far however the batches were sized.
 * @example
 * steps$.pipe(map((s) => ({ metrics: s.metrics, samples: s.samples })), accumulate());
 */
export const accumulate = <T extends { readonly metrics: Readonly<Record<string, number>>; readonly samples?: number }>(
  { weight = (v: T) => v.samples ?? 1 }: { readonly weight?: (value: T) => number } = {},
): OperatorFunction<T, RunningAverage> => (source) =>
  source.pipe(
    scan((acc: Accumulator, v: T) => accumulatorAdd(acc, v.metrics, weight(v)), emptyAccumulator),
    map((acc): RunningAverage => ({ metrics: accumulatorMeans(acc), weight: acc.weight, count: acc.count })),
  );
