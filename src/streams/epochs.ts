// epochs: training steps grouped by epoch, each epoch summarised by its sample-weighted mean metrics.
import { filter, map, scan, type OperatorFunction } from "rxjs";
import type { StepResult } from "./trainSteps.js";
import type { TrainState } from "./trainStep.js";
import { accumulatorAdd, accumulatorMeans, emptyAccumulator, type Accumulator } from "./accumulate.js";

/** One finished epoch: the state at its end and the means of its steps' metrics over its samples. */
export interface EpochResult<P, S = unknown> {
  readonly epoch: number;
  readonly state: TrainState<P, S>;
  /** Batches (steps) run in this epoch; fewer than the loader's length when the run resumed mid-epoch. */
  readonly steps: number;
  readonly samples: number;
  /** Sample-weighted means of the training metrics (loss, accuracy, ...) over the epoch. */
  readonly train: Readonly<Record<string, number>>;
}

/** An epoch with its last step value (which carries what operators before `epochs()` added, such as `examples_per_sec`). */
// `any` in the constraint only lets R be a step result of any params and state; they are read back from R.
export type EpochOf<R extends StepResult<any, any>> = R extends StepResult<infer P, infer S> ? EpochResult<P, S> & { readonly last: R } : never;

interface Progress<R extends StepResult<any, any>> {
  readonly epoch: number;
  readonly acc: Accumulator;
  readonly closed: boolean;
  readonly last?: R;
}

/**
 * Emits one `EpochResult` at the end of each epoch (on its last batch), averaging the steps' metrics weighted by
 * their batch sizes — d2l's `train_epoch_ch3` Accumulator. An epoch cut short (the stream stops mid-epoch) emits nothing.
 * @example
 * train.epochs(10).pipe(trainSteps(step, state0), epochs()).subscribe((e) => console.log(e.epoch, e.train.loss));
 */
export const epochs = <R extends StepResult<any, any>>(): OperatorFunction<R, EpochOf<R>> => (source) =>
  source.pipe(
    scan(
      (p: Progress<R>, r: R): Progress<R> => ({
        epoch: r.epoch,
        acc: accumulatorAdd(p.closed || p.epoch !== r.epoch ? emptyAccumulator : p.acc, r.metrics, r.samples),
        closed: r.last,
        last: r,
      }),
      { epoch: -1, acc: emptyAccumulator, closed: true },
    ),
    filter((p) => p.closed),
    map((p) => ({ epoch: p.epoch, state: p.last!.state, steps: p.acc.count, samples: p.acc.weight, train: accumulatorMeans(p.acc), last: p.last! }) as EpochOf<R>),
  );
