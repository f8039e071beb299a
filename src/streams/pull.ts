// The backpressure mechanism: sources produce on demand (pull) and deliver by push, pausing while a consumer is still busy.
import { Observable } from "rxjs";

/**
 * A rivulet source: an Observable (cold, one production per subscription) that is also an async iterable,
 * so `for await (const batch of source)` pulls it directly.
 */
export type PullSource<T> = Observable<T> & AsyncIterable<T>;

// The deliveries in progress, innermost last. A delivery is synchronous (`subscriber.next` runs the whole
// synchronous operator chain), so a consumer reached inside it can ask the source to wait; this is a dynamic
// scope, like the autodiff tape's recording flag, not state that outlives a call.
const delivering: Array<Set<PromiseLike<unknown>>> = [];

/**
 * Asks the rivulet source whose value is being delivered right now to deliver its next value only after
 * `until` settles. Call it synchronously from a consumer's `next` (rivulet's `mapAsync`, an async training step
 * and sinks do). Returns false when no rivulet source is delivering: the value came from a plain push source or
 * through an operator that defers delivery (delay, observeOn, an async inner mergeMap), which then buffers.
 * @example
 * source$.subscribe((batch) => { pauseSource(saveToDisk(batch)); });
 */
export const pauseSource = (until: PromiseLike<unknown>): boolean => {
  const current = delivering[delivering.length - 1];
  if (current === undefined) return false;
  current.add(until);
  return true;
};

/**
 * Runs `emit` (typically `subscriber.next(value)`) as a delivery and returns the pauses consumers asked for during
 * it; an asynchronous producer waits for them before producing again. Operators that emit later from a
 * promise (like `mapAsync`) use it to pass backpressure on from the consumers after them.
 * @example
 * await Promise.allSettled(deliver(() => subscriber.next(result)));
 */
export const deliver = (emit: () => void): PromiseLike<unknown>[] => {
  const pauses = new Set<PromiseLike<unknown>>();
  delivering.push(pauses);
  try {
    emit();
  } finally {
    delivering.pop();
  }
  return [...pauses];
};

const YIELD_EVERY_MS = 10;

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * A pull-driven source from an async-iterator factory: each subscription opens one iterator and asks it for the
 * next value only after the previous delivery returned and every pause requested during it settled, so a
 * consumer, synchronous or asynchronous, never has more than the iterator's own read-ahead waiting for it.
 * Unsubscribing calls the iterator's `return`, which stops production.
 * @example
 * const naturals$ = fromPull(() => (async function* () { for (let i = 0; ; i++) yield i; })());
 */
export const fromPull = <T>(open: () => AsyncIterator<T>): PullSource<T> => {
  const source = new Observable<T>((subscriber) => {
    const iterator = open();
    let stopped = false;
    let lastYield = performance.now();
    const pump = async (): Promise<void> => {
      while (!stopped) {
        // A CPU-bound pipeline would otherwise run entirely in microtasks, starving timers, I/O callbacks (sinks'
        // writes) and signals (Ctrl-C) until the stream ends; let the event loop turn every few milliseconds.
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
          if (stopped) return;
        }
        const result = await iterator.next();
        if (stopped) return;
        if (result.done) return subscriber.complete();
        const pauses = deliver(() => subscriber.next(result.value));
        // A consumer's failed promise is the consumer's error to report; the source only waits for it.
        if (pauses.length > 0) await Promise.allSettled(pauses);
      }
    };
    pump().catch((e: unknown) => {
      if (!stopped) subscriber.error(e);
    });
    return () => {
      stopped = true;
      void iterator.return?.()?.catch(() => undefined);
    };
  });
  return Object.assign(source, { [Symbol.asyncIterator]: open });
};
