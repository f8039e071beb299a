// Evaluation: a loss (and its metrics) averaged over a test loader, and the operator running it at each epoch's end.
import type { OperatorFunction } from "rxjs";
import { foldIn } from "../ops/random.js";
import type { Loader } from "./loader.js";
import { runLoss, type LossFn, type TrainState } from "./TrainState.js";
import { deviceOf, moveTo, onDevice } from "./_stepDevice.js";
import { accumulatorAdd, accumulatorMeans, emptyAccumulator } from "./accumulate.js";
import { mapAsync } from "./mapAsync.js";

/**
 * The sample-weighted means of `loss` and its aux metrics over one pass of `data`, in evaluation mode
 * (`ctx.training` false), pulling one batch at a time.
 * @example
 * const { loss, accuracy } = await evaluation(test, lossFn, state);
 */
export const evaluation = async <P, B, S>(data: Loader<B>, loss: LossFn<P, B>, state: TrainState<P, S>): Promise<Record<string, number>> => {
  const run = runLoss(loss, "evaluate");
  let acc = emptyAccumulator;
  for await (const lb of data.epochs(1)) {
    const ctx = { key: foldIn(state.rng, state.step), step: state.step, epoch: state.position.epoch, training: false, modelState: state.modelState };
    const dev = deviceOf(state.params);
    // The batch follows the params; on a GPU each batch's buffers are released with its step scope.
    const { metrics } = await onDevice(dev, () => {
      const [loss, aux] = run(state.params, moveTo(lb.batch, dev), ctx);
      return { keep: undefined, loss, aux };
    }, { op: "evaluate" });
    acc = accumulatorAdd(acc, metrics, lb.samples);
  }
  return accumulatorMeans(acc);
};

/**
 * For each value carrying a training state (an epoch result), evaluates `loss` on `data` and adds the means
 * under `as` (default "test"); the training source waits meanwhile. With `when`, only the values it picks are
 * evaluated (e.g. each epoch's last step, `(s) => s.last`) and the others pass unchanged, without the field.
 * @example
 * steps$.pipe(epochs(), evaluate(test, { loss: lossFn })).subscribe((e) => console.log(e.test.loss, e.test.accuracy));
 * steps$.pipe(evaluate(test, { loss: lossFn, when: (s) => s.last })); // on the step stream, at each epoch's end
 */
export function evaluate<P, B, S, E extends { readonly state: TrainState<P, S> }, K extends string = "test">(
  data: Loader<B>,
  options: { readonly loss: LossFn<P, B>; readonly as?: K; readonly when?: undefined },
): OperatorFunction<E, E & { readonly [k in K]: Readonly<Record<string, number>> }>;
export function evaluate<P, B, S, E extends { readonly state: TrainState<P, S> }, K extends string = "test">(
  data: Loader<B>,
  options: { readonly loss: LossFn<P, B>; readonly as?: K; readonly when: (value: E) => boolean },
): OperatorFunction<E, E & { readonly [k in K]?: Readonly<Record<string, number>> }>;
export function evaluate<P, B, S, E extends { readonly state: TrainState<P, S> }, K extends string = "test">(
  data: Loader<B>,
  { loss, as = "test" as K, when }: { readonly loss: LossFn<P, B>; readonly as?: K; readonly when?: (value: E) => boolean },
): OperatorFunction<E, E & { readonly [k in K]?: Readonly<Record<string, number>> }> {
  return mapAsync(async (value: E) => (when === undefined || when(value) ? { ...value, [as]: await evaluation(data, loss, value.state) } : value) as E & { readonly [k in K]?: Readonly<Record<string, number>> });
}
