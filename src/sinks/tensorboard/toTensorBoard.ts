// toTensorBoard: an RxJS operator that logs each value of a metric stream to a SummaryWriter and passes it on unchanged.
import { Observable, type MonoTypeOperatorFunction } from "rxjs";
import { Tensor } from "../../ops/Tensor.js";
import type { ScalarLike, SummaryWriter } from "./SummaryWriter.js";

export interface ToTensorBoardOptions<T> {
  /** The global step of a value (default: its numeric `step` field, else its index in the stream). */
  readonly step?: (value: T, index: number) => number;
  /** The scalars to log, tag → value (default: every number or one-element tensor field of the value except `step`). */
  readonly scalars?: (value: T) => Readonly<Record<string, ScalarLike>>;
  /** Anything else to log for a value (images, histograms, text), given the writer and the step. */
  readonly write?: (writer: SummaryWriter, value: T, step: number) => Promise<void> | void;
}

const defaultStep = (value: unknown, index: number): number => {
  const s = (value as { step?: unknown } | null)?.step;
  return typeof s === "number" ? s : index;
};

const defaultScalars = (value: unknown): Record<string, ScalarLike> => {
  if (typeof value !== "object" || value === null) throw new Error(`toTensorBoard: cannot find scalars in a ${typeof value}; pass { scalars: (v) => ({ tag: number }) }`);
  return Object.fromEntries(
    Object.entries(value).filter(([k, v]) => k !== "step" && (typeof v === "number" || (v instanceof Tensor && v.size === 1))),
  ) as Record<string, ScalarLike>;
};

/**
 * Logs every value of the stream to `writer` (scalars by default) and passes it through unchanged. When the source
 * completes or errors, the writer is flushed first, so every value seen is on disk; a failed write errors the stream.
 * The writer stays open: whoever opened it closes it.
 * @example
 * metrics$.pipe(toTensorBoard(writer, { scalars: (m) => ({ "train/loss": m.loss, "train/acc": m.acc }) })).subscribe();
 */
export const toTensorBoard = <T>(writer: SummaryWriter, { step = defaultStep, scalars = defaultScalars, write }: ToTensorBoardOptions<T> = {}): MonoTypeOperatorFunction<T> =>
  (source) =>
    new Observable<T>((subscriber) => {
      let index = 0;
      let failed = false;
      // `write` callbacks may await before calling the writer; completion waits for them, then flushes.
      const pending = new Set<Promise<unknown>>();
      const track = (p: Promise<unknown>): void => {
        const t = p.catch(fail).finally(() => pending.delete(t));
        pending.add(t);
      };
      const settled = (): Promise<void> => Promise.allSettled([...pending]).then(() => writer.flush());
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        subscriber.error(e);
      };
      const subscription = source.subscribe({
        next: (value) => {
          if (failed) return;
          try {
            const s = step(value, index++);
            for (const [tag, v] of Object.entries(scalars(value))) track(writer.addScalar(tag, v, s));
            if (write) track(Promise.resolve(write(writer, value, s)));
          } catch (e) {
            return fail(e);
          }
          subscriber.next(value);
        },
        // The writer runs its calls in order, so a flush issued after the pending writes lands after all of them.
        error: (e: unknown) => void settled().then(() => fail(e), () => fail(e)),
        complete: () =>
          void settled().then(
            () => {
              if (!failed) subscriber.complete();
            },
            fail,
          ),
      });
      return () => subscription.unsubscribe();
    });
