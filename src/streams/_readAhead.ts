// The read-ahead iterator under loaders: produces items 0..count-1 in order, at most `prefetch` beyond the one last asked for.
export interface ReadAheadOptions {
  /** Items started ahead of the one asked for (0: strictly on demand). */
  readonly prefetch: number;
  /** Called once when the iterator finishes, fails or is returned early (e.g. to terminate workers). */
  readonly onClose?: () => void;
}

/** An async iterator over `produce(0), …, produce(count - 1)` that keeps at most `1 + prefetch` items in production or waiting. */
export const readAhead = <T>(count: number, produce: (i: number) => T | Promise<T>, { prefetch, onClose }: ReadAheadOptions): AsyncIterator<T> => {
  const queue: Promise<T>[] = [];
  let started = 0;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    onClose?.();
  };
  const start = (): void => {
    const i = started++;
    const p = Promise.resolve().then(() => produce(i));
    // A failure ahead of the consumer is reported when the consumer reaches it, not as an unhandled rejection.
    p.catch(() => undefined);
    queue.push(p);
  };
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    next: async () => {
      if (closed) return done;
      while (queue.length < 1 + prefetch && started < count) start();
      const p = queue.shift();
      if (p === undefined) {
        close();
        return done;
      }
      try {
        const value = await p;
        return closed ? done : { done: false, value };
      } catch (e) {
        close();
        throw e;
      }
    },
    return: async () => {
      close();
      return done;
    },
  };
};
