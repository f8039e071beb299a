// throughput: training examples per second, measured on the step stream, with the time between epochs (evaluation, checkpoints) left out.
import { defer, map, type OperatorFunction } from "rxjs";

export interface ThroughputOptions {
  /** Milliseconds now; default performance.now. Tests pass a fake clock. */
  readonly clock?: () => number;
}

/**
 * Adds `examples_per_sec` to each step value: the samples of its epoch so far over the time they took (d2l's Timer
 * around `train_epoch`). Time is measured between step values, so data loading counts and whatever runs between
 * epochs (evaluation, saving) does not: the gap before an epoch's first step is replaced by that step's share of
 * the previous epoch's time per example (in the first epoch, the time since subscription).
 * @example
 * train.epochs(10).pipe(trainSteps(step, state0), throughput(), tap((s) => s.last && console.log(`${s.examples_per_sec.toFixed(1)} examples/sec`)));
 */
export const throughput = <T extends { readonly epoch: number; readonly samples: number }>(
  { clock = () => performance.now() }: ThroughputOptions = {},
): OperatorFunction<T, T & { readonly examples_per_sec: number }> => (source) =>
  defer(() => {
    let previous = clock();
    let epoch: number | undefined;
    let samples = 0;
    let ms = 0;
    let msPerExample: number | undefined;
    return source.pipe(
      map((value) => {
        const now = clock();
        if (value.epoch !== epoch) {
          if (epoch !== undefined && samples > 0) msPerExample = ms / samples;
          epoch = value.epoch;
          samples = 0;
          ms = 0;
          // The first epoch's first step took the time since subscription; a later epoch's first step is estimated.
          ms = msPerExample === undefined ? now - previous : msPerExample * value.samples;
        } else ms += now - previous;
        samples += value.samples;
        previous = now;
        return { ...value, examples_per_sec: ms > 0 ? (samples * 1000) / ms : Infinity };
      }),
    );
  });
