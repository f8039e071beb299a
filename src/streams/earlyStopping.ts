// earlyStopping: completes a stream (of epoch results) once a monitored value has stopped improving.
import { defer, takeWhile, type MonoTypeOperatorFunction } from "rxjs";

export interface EarlyStoppingOptions<T> {
  /** The value watched, e.g. `(e) => e.test.loss`. */
  readonly monitor: (value: T) => number;
  /** Values without improvement tolerated before stopping (default 3). */
  readonly patience?: number;
  /** The smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
  /** "min" when lower is better (a loss), "max" when higher is (an accuracy). */
  readonly mode?: "min" | "max";
}

/**
 * Passes values through until `patience` consecutive values fail to improve on the best by more than
 * `minDelta`, then emits that value and completes, which unsubscribes (stops) training upstream. A NaN never
 * improves. Semantics of PyTorch Lightning's EarlyStopping.
 * @example
 * epochs$.pipe(evaluate(test, { loss }), earlyStopping({ monitor: (e) => e.test.loss, patience: 2 }));
 */
export const earlyStopping = <T>({ monitor, patience = 3, minDelta = 0, mode = "min" }: EarlyStoppingOptions<T>): MonoTypeOperatorFunction<T> => {
  if (typeof monitor !== "function") throw new Error(`earlyStopping: monitor must be a function of the value, got ${typeof monitor}`);
  if (!Number.isInteger(patience) || patience < 0) throw new Error(`earlyStopping: patience must be a non-negative integer, got ${JSON.stringify(patience)}`);
  if (!(minDelta >= 0) || !Number.isFinite(minDelta)) throw new Error(`earlyStopping: minDelta must be a finite number >= 0, got ${JSON.stringify(minDelta)}`);
  if (mode !== "min" && mode !== "max") throw new Error(`earlyStopping: mode must be "min" or "max", got ${JSON.stringify(mode)}`);
  return (source) =>
    defer(() => {
      let best = mode === "min" ? Infinity : -Infinity;
      let wait = 0;
      return source.pipe(
        takeWhile((v) => {
          const x = monitor(v);
          const improved = mode === "min" ? x < best - minDelta : x > best + minDelta;
          if (improved) {
            best = x;
            wait = 0;
          } else wait++;
          return improved || wait < patience;
        }, true),
      );
    });
};
