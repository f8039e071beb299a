// trainSteps: training as a scan over positioned batches, emitting each step's state and metrics.
import { concatMap, defer, from, type Observable, type OperatorFunction } from "rxjs";
import type { Backend } from "../ops/backend.js";
import { toDevice } from "../gpu/toDevice.js";
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

export interface TrainStepsOptions {
  /**
   * Moves the initial state to this device before the first step (e.g. a WebGPU device; the state is copied, the
   * original kept). Default: the state stays where it is, and the step runs where its params are.
   */
  readonly device?: Backend;
}

/**
 * Runs `step` over the batches, threading the state (RxJS `scan`); each subscription starts again from
 * `initial`. Each step's promise pauses the loader until it settles, so steps never pile up.
 * @example
 * train.epochs(10).pipe(trainSteps(step, state0)).subscribe(({ metrics }) => console.log(metrics.loss));
 * train.epochs(10).pipe(trainSteps(step, state0, { device: gpu })); // the run on the GPU, state0 left on the CPU
 */
export const trainSteps = <P, B, S>(step: Step<P, B, S>, initial: TrainState<P, S>, { device }: TrainStepsOptions = {}): OperatorFunction<LoaderBatch<B>, StepResult<P, S>> => (source) => {
  const run = (start: TrainState<P, S>): Observable<StepResult<P, S>> => {
    let state = start;
    const emit = (lb: LoaderBatch<B>, out: StepOutput<P, S>): StepResult<P, S> => {
      state = out.state;
      return { state: out.state, metrics: out.metrics, epoch: lb.epoch, index: lb.index, samples: lb.samples, last: lb.last };
    };
    return source.pipe(
      // Promise.resolve: a hand-written step that returns its output directly still works.
      mapAsync((lb: LoaderBatch<B>) => Promise.resolve(step(state, lb)).then((o) => emit(lb, o))),
    );
  };
  // With a device, the copy of the initial state comes first.
  return device === undefined ? defer(() => run(initial)) : defer(() => from(toDevice(initial, device))).pipe(concatMap(run));
};
