// trainSteps: training as a scan over positioned batches, emitting each step's state and metrics.
import { defer, type OperatorFunction } from "rxjs";
import type { LoaderBatch } from "./loader.js";
import type { Step, StepOutput, TrainState } from "./trainStep.js";
import { mapAsync } from "./mapAsync.js";

/** One step as it flows: the state after it, its metrics, and the batch's place (epoch, index, samples, last). */
export interface StepResult<P, S = unknown> extends StepOutput<P, S> {
  readonly epoch: number;
  readonly index: number;
  readonly samples: number;
  readonly last: boolean;
}

/**
 * Runs `step` over the batches, threading the state (RxJS `scan`); each subscription starts again from
 * `initial`. An asynchronous step pauses the loader until it finishes, so steps never pile up.
 * @example
 * train.epochs(10).pipe(trainSteps(step, state0)).subscribe(({ metrics }) => console.log(metrics.loss));
 */
export const trainSteps = <P, B, S>(step: Step<P, B, S>, initial: TrainState<P, S>): OperatorFunction<LoaderBatch<B>, StepResult<P, S>> => (source) =>
  defer(() => {
    let state = initial;
    const emit = (lb: LoaderBatch<B>, out: StepOutput<P, S>): StepResult<P, S> => {
      state = out.state;
      return { state: out.state, metrics: out.metrics, epoch: lb.epoch, index: lb.index, samples: lb.samples, last: lb.last };
    };
    return source.pipe(
      mapAsync((lb: LoaderBatch<B>) => {
        const out = step(state, lb);
        return out instanceof Promise ? out.then((o) => emit(lb, o)) : emit(lb, out);
      }),
    );
  });
