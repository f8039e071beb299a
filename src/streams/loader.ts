// The data loader (torch.utils.data.DataLoader) as pull-driven streams: one cold Observable of batches per epoch.
import { key, foldIn, randperm } from "../ops/random.js";
import type { Backend } from "../ops/backend.js";
import { treeLeaves, treeMap } from "../graph/pytree.js";
import type { LearningRate } from "../optim/schedules.js";
import type { Dataset } from "./Dataset.js";
import { defaultCollate, type Collated } from "./collate.js";
import { fromPull, type PullSource } from "./pull.js";
import { readAhead } from "./_readAhead.js";
import { workerPool, type RecreatableDataset, type WorkerPool } from "./workers.js";

/** Where a run is in its data: the epoch, and the index of the next batch to read in it. */
export interface Position {
  readonly epoch: number;
  readonly batch: number;
}

/** A batch with its place in the run, as `loader.epochs` emits and the training operators consume. */
export interface LoaderBatch<B> {
  readonly epoch: number;
  /** The batch's index within its epoch. */
  readonly index: number;
  readonly batch: B;
  /** How many samples the batch holds (the last one may be short). */
  readonly samples: number;
  /** Whether this is the epoch's last batch. */
  readonly last: boolean;
  /** A learning rate for this batch's update, set by the `schedule` operator. */
  readonly lr?: LearningRate;
  /** False while gradients are being accumulated (set by `gradientAccumulation`); the optimizer steps when true or absent. */
  readonly applyUpdate?: boolean;
  /**
   * True when the loader copied the batch to its `device`, so its device tensors are fresh copies only this delivery
   * holds: the training step that consumes it releases their GPU memory when it ends (see `trainStep`'s `donate`).
   */
  readonly uploaded?: boolean;
}

export interface LoaderOptions<T, B> {
  /** Samples per batch (PyTorch's batch_size, default 1). */
  readonly batchSize?: number;
  /** A new order every epoch, drawn from `foldIn(key(seed), epoch)`. */
  readonly shuffle?: boolean;
  /** Drop the last batch when it is short (PyTorch's drop_last). */
  readonly dropLast?: boolean;
  /** Seed of the shuffles. */
  readonly seed?: number;
  /** Batches loaded ahead of the one the consumer is working on (0: strictly on demand). */
  readonly prefetch?: number;
  /** Worker threads running `dataset.get` (0: in this thread); the dataset must come from `workerDataset`. */
  readonly workers?: number;
  /** Turns a list of samples into a batch (default `defaultCollate`). */
  readonly collate?: (samples: T[]) => B;
  /**
   * Puts every collated batch on this device (a WebGPU device from `openDevice` or `Device.layer`), uploading each
   * batch once, as it is loaded ahead; default: batches stay where `collate` made them (the CPU).
   */
  readonly device?: Backend;
}

/**
 * Batches of a dataset, epoch by epoch. `length` is the number of batches per epoch; `epoch(e)` is a cold
 * stream of epoch e's batches (a new subscription reads them again); `epochs(n)` chains epochs up to n, each
 * batch tagged with its position, and can start from a saved position to resume a run.
 */
export interface Loader<B> {
  readonly length: number;
  readonly batchSize: number;
  /** The sample indices of every batch of an epoch, in delivery order (PyTorch's batch_sampler). */
  batchIndices(epoch: number): number[][];
  /** One epoch's batches, from batch `from` on (default 0). */
  epoch(epoch: number, options?: { readonly from?: number }): PullSource<B>;
  /** Epochs `from.epoch` to `count - 1`, starting at batch `from.batch`, every batch with its position. */
  epochs(count: number, options?: { readonly from?: Position }): PullSource<LoaderBatch<B>>;
}

const check = (field: string, v: unknown, ok: boolean, expected: string): void => {
  if (!ok) throw new Error(`loader: ${field} must be ${expected}, got ${JSON.stringify(v)}`);
};

/**
 * A DataLoader over a dataset: PyTorch's batching, shuffling and drop_last, produced lazily and pulled by the
 * consumer (at most `1 + prefetch` batches exist ahead of it), in worker threads if asked.
 * @example
 * const train = loader(trainSet, { batchSize: 64, shuffle: true, seed: 0 });
 * train.epoch(0).subscribe(({ input, target }) => console.log(input.shape, target.shape));
 * for await (const batch of train.epoch(1)) { ... }
 * const onGpu = loader(trainSet, { batchSize: 64, shuffle: true, device: gpu }); // batches uploaded once, ahead of the step
 */
export function loader<T>(dataset: Dataset<T>, options?: LoaderOptions<T, Collated<T>> & { readonly collate?: undefined }): Loader<Collated<T>>;
export function loader<T, B>(dataset: Dataset<T>, options: LoaderOptions<T, B> & { readonly collate: (samples: T[]) => B }): Loader<B>;
export function loader<T, B>(
  dataset: Dataset<T>,
  { batchSize = 1, shuffle = false, dropLast = false, seed = 0, prefetch = 2, workers = 0, collate, device }: LoaderOptions<T, B> = {},
): Loader<B> {
  check("dataset", typeof dataset, typeof dataset === "object" && dataset !== null && typeof dataset.get === "function" && Number.isInteger(dataset.length) && dataset.length >= 0, "a Dataset ({ length, get(i) })");
  check("batchSize", batchSize, Number.isInteger(batchSize) && batchSize > 0, "a positive integer");
  check("prefetch", prefetch, Number.isInteger(prefetch) && prefetch >= 0, "a non-negative integer");
  check("workers", workers, Number.isInteger(workers) && workers >= 0, "a non-negative integer");
  check("seed", seed, Number.isSafeInteger(seed), "a safe integer");
  check("shuffle", shuffle, typeof shuffle === "boolean", "true or false");
  check("dropLast", dropLast, typeof dropLast === "boolean", "true or false");
  check("collate", typeof collate, collate === undefined || typeof collate === "function", "a function");
  check("device", device === null ? null : typeof device, device === undefined || (typeof device === "object" && device !== null && typeof device.upload === "function" && typeof device.read === "function"), "a device (cpuDevice, or a WebGPU device from openDevice or Device.layer)");
  const recipe = (dataset as Partial<RecreatableDataset<T>>).recipe;
  if (workers > 0 && recipe === undefined)
    throw new Error(`loader: workers: ${workers} needs a dataset that worker threads can re-create; make it with workerDataset({ module, export, args })`);
  const n = dataset.length;
  const length = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const toBatch = (collate ?? defaultCollate) as (samples: T[]) => B;
  /** The batch on `device` (tensors already there are kept), and whether every device tensor in it is a fresh copy. */
  const place = (batch: B): { batch: B; uploaded: boolean } => {
    if (device === undefined) return { batch, uploaded: false };
    const leaves = treeLeaves(batch);
    if (leaves.length === 0) return { batch, uploaded: false };
    return { batch: treeMap((t) => t.to(device), batch), uploaded: leaves.every((t) => t.device !== device) };
  };

  const checkEpoch = (op: string, e: number): void => {
    if (!Number.isSafeInteger(e) || e < 0) throw new Error(`loader.${op}: epoch must be a non-negative integer, got ${JSON.stringify(e)}`);
  };
  const order = (epoch: number): ArrayLike<number> | undefined => (shuffle && n > 0 ? randperm(foldIn(key(seed), epoch), n).dataSync() : undefined);
  const indicesOf = (perm: ArrayLike<number> | undefined, b: number): number[] => {
    const start = b * batchSize;
    const size = Math.min(batchSize, n - start);
    return Array.from({ length: size }, (_, i) => (perm ? perm[start + i]! : start + i));
  };

  /** A read-ahead iterator over the batches at flat positions 0..count-1 of `at(j)`, loading in this thread or in workers. */
  const iterate = <R>(count: number, at: (j: number) => { epoch: number; index: number }, wrap: (batch: B, epoch: number, index: number, samples: number, uploaded: boolean) => R): AsyncIterator<R> => {
    const perms = new Map<number, ArrayLike<number> | undefined>();
    const permOf = (epoch: number): ArrayLike<number> | undefined => {
      if (!perms.has(epoch)) {
        perms.clear(); // read-ahead only ever spans two epochs; keep one permutation
        perms.set(epoch, order(epoch));
      }
      return perms.get(epoch);
    };
    let pool: Promise<WorkerPool> | undefined;
    const produce = async (j: number): Promise<R> => {
      const { epoch, index } = at(j);
      const indices = indicesOf(permOf(epoch), index);
      let samples: T[];
      if (workers > 0) {
        pool ??= workerPool(recipe!, workers);
        samples = (await (await pool).load(j, indices)) as T[];
      } else samples = await Promise.all(indices.map((i) => dataset.get(i)));
      const placed = place(toBatch(samples));
      return wrap(placed.batch, epoch, index, indices.length, placed.uploaded);
    };
    return readAhead(count, produce, { prefetch, onClose: () => void pool?.then((p) => p.close(), () => undefined) });
  };

  return {
    length,
    batchSize,
    batchIndices: (epoch) => {
      checkEpoch("batchIndices", epoch);
      const perm = order(epoch);
      return Array.from({ length }, (_, b) => indicesOf(perm, b));
    },
    epoch: (epoch, { from = 0 } = {}) => {
      checkEpoch("epoch", epoch);
      if (!Number.isInteger(from) || from < 0 || from > length) throw new Error(`loader.epoch: from must be a batch index in [0, ${length}], got ${JSON.stringify(from)}`);
      return fromPull(() => iterate(length - from, (j) => ({ epoch, index: from + j }), (batch) => batch));
    },
    epochs: (count, { from = { epoch: 0, batch: 0 } } = {}) => {
      checkEpoch("epochs", count);
      if (typeof from !== "object" || from === null || !Number.isInteger(from.epoch) || from.epoch < 0 || !Number.isInteger(from.batch) || from.batch < 0 || (from.batch >= length && length > 0))
        throw new Error(`loader.epochs: from must be a position { epoch, batch } with batch in [0, ${Math.max(length - 1, 0)}], got ${JSON.stringify(from)}`);
      const first = from.epoch * length + from.batch;
      const total = Math.max(0, count * length - first);
      return fromPull(() =>
        iterate(
          total,
          (j) => ({ epoch: Math.floor((first + j) / length), index: (first + j) % length }),
          (batch, epoch, index, samples, uploaded): LoaderBatch<B> => ({ epoch, index, batch, samples, last: index === length - 1, ...(uploaded ? { uploaded } : {}) }),
        ),
      );
    },
  };
}
