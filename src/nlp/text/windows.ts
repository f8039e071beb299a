// Packing id sequences into fixed-length windows with a stride: as an operator over a stream, and as a dataset over one id array.
import { Observable, type OperatorFunction } from "rxjs";
import type { Dataset } from "../../streams/Dataset.js";

const checkWindow = (op: string, length: number, stride: number) => {
  if (!(Number.isInteger(length) && length > 0)) throw new Error(`${op}: length must be a positive integer, got ${length}`);
  if (!(Number.isInteger(stride) && stride > 0)) throw new Error(`${op}: stride must be a positive integer, got ${stride}`);
};

/**
 * Concatenates the incoming id arrays and emits every window of `length` ids, the next one starting `stride` ids later
 * (default `length`: no overlap); ids that never fill a window are dropped. Keeps at most `length + stride` ids.
 * @example
 * ids$.pipe(windows({ length: 129, stride: 128 })); // GPT-style training windows: 128 inputs + the next-token target
 */
export const windows = ({ length, stride = length }: { readonly length: number; readonly stride?: number }): OperatorFunction<readonly number[], number[]> => {
  checkWindow("windows", length, stride);
  return (source) =>
    new Observable<number[]>((subscriber) => {
      let buffer: number[] = [];
      let skip = 0; // ids still to drop before the next window starts (when stride > length)
      return source.subscribe({
        next: (ids) => {
          for (const id of ids) {
            if (skip > 0) {
              skip--;
              continue;
            }
            buffer.push(id);
            if (buffer.length === length) {
              subscriber.next(buffer.slice());
              buffer = stride < length ? buffer.slice(stride) : [];
              skip = Math.max(0, stride - length);
            }
          }
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
};

/**
 * The windows of one id array as a dataset (window `i` starts at `i * stride`), for shuffled, resumable batches
 * through `loader`.
 * @example
 * const ds = windowDataset(Int32Array.from(tok.encode(text)), { length: 129, stride: 128 });
 */
export const windowDataset = (ids: ArrayLike<number>, { length, stride = length }: { readonly length: number; readonly stride?: number }): Dataset<number[]> => {
  checkWindow("windowDataset", length, stride);
  const count = ids.length < length ? 0 : Math.floor((ids.length - length) / stride) + 1;
  return {
    length: count,
    get: (i) => {
      if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new Error(`windowDataset.get: index ${i} is out of range [0, ${count})`);
      return Array.from({ length }, (_, k) => ids[i * stride + k]!);
    },
  };
};
