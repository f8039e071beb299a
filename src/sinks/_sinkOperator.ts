// The one bridge from Effect sink programs (open, write each value, close) to an RxJS operator that passes values through.
import { Effect } from "effect";
import { Observable, type MonoTypeOperatorFunction } from "rxjs";
import type { SinkError } from "./SinkError.js";

/** What a file-backed sink does: acquire its resource, handle each value in order, release the resource. */
export interface SinkProgram<T, R> {
  readonly open: Effect.Effect<R, SinkError>;
  readonly write: (resource: R, value: T) => Effect.Effect<void, SinkError>;
  readonly close: (resource: R) => Effect.Effect<void, SinkError>;
}

/**
 * Builds a pass-through operator from a sink program. `open` runs on subscription, so a bad path fails before the
 * first value; each value is handled in arrival order and passed on only once handled (so a failed write errors the
 * stream before later values move on); completion waits for the last write and `close`. A source error is passed on
 * after the values already received are written; unsubscribing releases the resource.
 */
export const sinkOperator =
  <T, R>({ open, write, close }: SinkProgram<T, R>): MonoTypeOperatorFunction<T> =>
  (source) =>
    new Observable<T>((subscriber) => {
      let resource: R | undefined;
      let released = false;
      let done = false;
      const release = (): Promise<void> => {
        if (released || resource === undefined) return Promise.resolve();
        released = true;
        return Effect.runPromise(close(resource));
      };
      const fail = (e: unknown): void => {
        if (done) return;
        done = true;
        subscription.unsubscribe();
        // The write error is what the user needs to see; a failing close after it adds nothing.
        void release().catch(() => undefined).then(() => subscriber.error(e));
      };
      let queue: Promise<void> = Effect.runPromise(open).then((r) => {
        resource = r;
      });
      const enqueue = (step: () => Promise<void>): void => {
        queue = queue.then(() => (done ? undefined : step()));
        queue.catch(fail);
      };
      const subscription = source.subscribe({
        next: (value) =>
          enqueue(async () => {
            await Effect.runPromise(write(resource as R, value));
            if (!done) subscriber.next(value);
          }),
        error: (e: unknown) =>
          enqueue(async () => {
            done = true;
            await release().catch(() => undefined);
            subscriber.error(e);
          }),
        complete: () =>
          enqueue(async () => {
            await release();
            done = true;
            subscriber.complete();
          }),
      });
      return () => {
        if (done) return;
        done = true;
        subscription.unsubscribe();
        void queue.catch(() => undefined).then(() => release().catch(() => undefined));
      };
    });
