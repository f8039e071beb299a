// mapAsync: an ordered asynchronous map (RxJS concatMap to a promise) that pauses a rivulet source while it works.
import { Observable, type OperatorFunction } from "rxjs";
import { deliver, pauseSource } from "./pull.js";

const isPromiseLike = (x: unknown): x is PromiseLike<unknown> =>
  typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";

/**
 * Maps each value with `f`, one at a time and in order; `f` may return a value or a promise. While a promise is
 * pending, the rivulet source delivering the values is paused (see `pauseSource`), so a slow consumer bounds
 * memory. Behind a plain push source it buffers, exactly as `concatMap` would.
 * @example
 * loader.epoch(0).pipe(mapAsync(async (batch) => { await upload(batch); return batch; }));
 */
export const mapAsync = <T, R>(f: (value: T, index: number) => R | PromiseLike<R>): OperatorFunction<T, R> => (source) =>
  new Observable<R>((subscriber) => {
    const queue: T[] = [];
    const waiters: Array<() => void> = [];
    let running = false;
    let sourceDone = false;
    let index = 0;
    const wake = (): void => {
      for (const w of waiters.splice(0)) w();
    };
    // Waits for the consumers after this one, then takes the next value.
    const settle = (pauses: PromiseLike<unknown>[]): void => {
      running = true;
      void Promise.allSettled(pauses).then(() => {
        running = false;
        drain();
        if (!running) wake();
      });
    };
    /** Emits one result as a delivery; true when a consumer downstream asked to wait. */
    const emit = (r: R): boolean => {
      const pauses = deliver(() => subscriber.next(r));
      if (pauses.length > 0) settle(pauses);
      return pauses.length > 0;
    };
    const drain = (): void => {
      while (!running && queue.length > 0 && !subscriber.closed) {
        const value = queue.shift()!;
        let result: R | PromiseLike<R>;
        try {
          result = f(value, index++);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        if (!isPromiseLike(result)) {
          if (emit(result)) return;
          continue;
        }
        running = true;
        Promise.resolve(result).then(
          (r) => {
            if (subscriber.closed) return;
            if (emit(r)) return;
            running = false;
            drain();
            if (!running) wake();
          },
          (e: unknown) => {
            subscriber.error(e);
            wake();
          },
        );
      }
      if (!running && sourceDone && queue.length === 0) subscriber.complete();
    };
    const subscription = source.subscribe({
      next: (value) => {
        queue.push(value);
        drain();
        if (running) pauseSource(new Promise<void>((resolve) => waiters.push(resolve)));
      },
      error: (e: unknown) => subscriber.error(e),
      complete: () => {
        sourceDone = true;
        drain();
      },
    });
    return () => {
      subscription.unsubscribe();
      wake();
    };
  });
