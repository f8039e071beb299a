// Timing: warm up, then repeat within a time budget and take the median.

/**
 * Fast calls are sampled past `maxReps` until this many milliseconds of timed calls (or FAST_MAX_REPS calls): 15
 * calls of a 0.5 ms product are 7.5 ms of samples, where one collection or preemption moved the median by 30–40%
 * from one run to the next. The same rule is in pytorch_bench.py, so every column is sampled alike.
 */
const FAST_TIMED_MS = 200;
const FAST_MAX_REPS = 400;

/** Whether to take another sample: the budget's rule, or more of a fast call (see FAST_TIMED_MS). */
const wantMore = (times: readonly number[], startedAt: number, { budgetMs, minReps, maxReps }: Required<Pick<MeasureOptions, "budgetMs" | "minReps" | "maxReps">>): boolean => {
  if (times.length < minReps) return true;
  const elapsed = performance.now() - startedAt;
  if (times.length < maxReps) return elapsed < budgetMs;
  return maxReps > 1 && times.length < FAST_MAX_REPS && times.reduce((a, b) => a + b, 0) < FAST_TIMED_MS && elapsed < budgetMs;
};

export interface Measurement {
  readonly medianMs: number;
  readonly samples: number;
}

export interface MeasureOptions {
  /** Time to spend on timed runs after the warm-up (at least `minReps` runs are made anyway). */
  readonly budgetMs?: number;
  readonly minReps?: number;
  readonly maxReps?: number;
  /** A warm-up slower than this is used as the only sample (slow peers: tfjs-cpu's conv2d backward). */
  readonly slowMs?: number;
  /** Keep warming up fast tasks for this long. */
  readonly warmMs?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/**
 * Times `run`: warm-up calls (at least one, and for `warmMs` when runs are fast, so every thread's JIT has
 * optimised the hot loops), then between minReps and maxReps calls within budgetMs (more for fast calls, see
 * FAST_TIMED_MS); the median per call.
 */
export const measure = (run: () => void, { budgetMs = 3000, minReps = 3, maxReps = 15, slowMs = 5000, warmMs = 500 }: MeasureOptions = {}): Measurement => {
  let t = performance.now();
  run();
  const first = performance.now() - t;
  if (first > slowMs) return { medianMs: first, samples: 1 };
  for (let w = 1; w < 50 && performance.now() - t < warmMs; w++) run();
  const times: number[] = [];
  const start = performance.now();
  while (wantMore(times, start, { budgetMs, minReps, maxReps })) {
    t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  return { medianMs: median(times), samples: times.length };
};

/**
 * `measure` for tasks that finish asynchronously (a GPU readback). The first `warmups` runs are never timed, however
 * slow: on a GPU they compile the pipelines. A timed run slower than `slowMs` is then the only sample.
 */
export const measureAsync = async (
  run: () => void | Promise<void>,
  { budgetMs = 3000, minReps = 3, maxReps = 15, slowMs = 5000, warmMs = 500, warmups = 1 }: MeasureOptions & { readonly warmups?: number } = {},
): Promise<Measurement> => {
  const warmStart = performance.now();
  for (let w = 0; w < 50 && (w < warmups || performance.now() - warmStart < warmMs); w++) await run();
  const times: number[] = [];
  const start = performance.now();
  while (wantMore(times, start, { budgetMs, minReps, maxReps })) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
    if (times.length === 1 && times[0]! > slowMs) break;
  }
  return { medianMs: median(times), samples: times.length };
};
