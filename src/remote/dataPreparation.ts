// Distributed data preparation over JetStream: a trainer publishes an epoch's batches as tasks, worker processes load and collate them, the trainer consumes the batches.
//
// Exactly once per epoch, even when workers die: a task (a few batches' sample indices) is acknowledged only after its
// batches are published, so a killed worker's task is redelivered to another after the ack wait; a batch republished by
// the second worker carries the same message id and is dropped by the server's de-duplication, and the trainer also
// keeps the set of batch indices it has seen, so a duplicate outside the server's window is acknowledged and skipped.
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { key, foldIn, randperm } from "../ops/random.js";
import { fromPull, type PullSource } from "../streams/pull.js";
import { defaultCollate } from "../streams/collate.js";
import { makeDataset } from "../streams/_makeDataset.js";
import type { Dataset } from "../streams/Dataset.js";
import type { DatasetRecipe, RecreatableDataset } from "../streams/workers.js";
import { fromJetStream, type Delivery } from "./fromJetStream.js";
import { encodeMessage, decodeMessage, type Message } from "./messageCodec.js";
import { ensureConsumer, ensureStream } from "./jetStreamSetup.js";

const TASKS = "RIVULET_PREP_TASKS";
const BATCHES = "RIVULET_PREP_BATCHES";
const WORKERS = "rivulet-prep-workers";

/** One unit of work: a few batches of one epoch, each with the dataset indices of its samples. */
interface Task {
  readonly job: string;
  readonly epoch: number;
  readonly recipe: DatasetRecipe;
  readonly batches: ReadonlyArray<{ readonly index: number; readonly indices: readonly number[] }>;
}

/** A batch as the trainer receives it: its index in the epoch and the collated samples. */
export interface PreparedBatch<B> {
  readonly index: number;
  readonly batch: B;
}

const ensurePrepStreams = async (nc: NatsConnection): Promise<void> => {
  await ensureStream(nc, { name: TASKS, subjects: ["rivulet.prep.tasks.>"], workQueue: true });
  await ensureStream(nc, { name: BATCHES, subjects: ["rivulet.prep.batches.>"], workQueue: true });
};

const safeName = (job: string): string => {
  if (!/^[A-Za-z0-9_-]+$/.test(job)) throw new Error(`remoteLoader: job must be letters, digits, "_" or "-" (it becomes part of NATS subjects), got ${JSON.stringify(job)}`);
  return job;
};

/** Options of `remoteLoader` (the batching options mean what they mean for `loader`). */
export interface RemoteLoaderOptions {
  /** Names this run's subjects and consumers; two trainers with the same job share the work. */
  readonly job: string;
  readonly batchSize?: number;
  readonly shuffle?: boolean;
  readonly seed?: number;
  readonly dropLast?: boolean;
  /** Batches per task: how much one worker prepares before acknowledging (default 4). */
  readonly batchesPerTask?: number;
  /** A worker that holds a task this long without finishing it is presumed dead, and the task goes to another (default 30 s). */
  readonly taskTimeoutMs?: number;
  /** Batches requested ahead of the one in use (default 2). */
  readonly readAhead?: number;
}

/** Batches prepared by remote workers; `epoch(e)` is a rivulet source of deliveries, each acknowledged by the consumer. */
export interface RemoteLoader<B> {
  readonly length: number;
  epoch(e: number): PullSource<Delivery<PreparedBatch<B>>>;
}

/**
 * Like `loader(dataset, …)`, but the samples are loaded and collated by `rivulet worker` processes (any machine that
 * reaches the NATS server and can import the dataset's recipe module). Batches arrive in the order workers finish them,
 * each exactly once per epoch; acknowledge each (`d.ack()`) after the step that used it.
 * @example
 * const ds = await workerDataset<Sample<Tensor>>({ module: new URL("./data.ts", import.meta.url).href, export: "train" });
 * const remote = remoteLoader(nc, ds, { job: "lenet", batchSize: 256, shuffle: true });
 * remote.epoch(0).pipe(mapAsync(async (d) => { const s = await step(d.value.batch); d.ack(); return s; }));
 */
export const remoteLoader = <T, B = Message>(nc: NatsConnection, dataset: RecreatableDataset<T>, options: RemoteLoaderOptions): RemoteLoader<B> => {
  const { batchSize = 1, shuffle = false, seed = 0, dropLast = false, batchesPerTask = 4, taskTimeoutMs = 30_000, readAhead = 2 } = options;
  const job = safeName(options.job);
  if (dataset.recipe === undefined) throw new Error("remoteLoader: the dataset must come from workerDataset (workers re-create it from its recipe)");
  for (const [name, v] of Object.entries({ batchSize, batchesPerTask, readAhead }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`remoteLoader: ${name} must be a positive integer, got ${v}`);
  const n = dataset.length;
  const length = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const js = jetstream(nc);

  const epoch = (e: number): PullSource<Delivery<PreparedBatch<B>>> =>
    fromPull(() =>
      (async function* () {
        await ensurePrepStreams(nc);
        const subject = `rivulet.prep.batches.${job}.${e}`;
        const consumer = `rivulet-prep-${job}-${e}`;
        await ensureConsumer(nc, BATCHES, { name: consumer, filterSubject: subject });
        await ensureConsumer(nc, TASKS, { name: WORKERS, ackWaitMs: taskTimeoutMs });
        const perm = shuffle && n > 0 ? randperm(foldIn(key(seed), e), n).dataSync() : undefined;
        const indicesOf = (b: number): number[] =>
          Array.from({ length: Math.min(batchSize, n - b * batchSize) }, (_, i) => (perm === undefined ? b * batchSize + i : perm[b * batchSize + i]!));
        for (let first = 0; first < length; first += batchesPerTask) {
          const batches = Array.from({ length: Math.min(batchesPerTask, length - first) }, (_, k) => ({ index: first + k, indices: indicesOf(first + k) }));
          const task: Task = { job, epoch: e, recipe: dataset.recipe, batches };
          // The id makes publishing idempotent: a restarted trainer re-announcing the epoch adds no second task.
          await js.publish(`rivulet.prep.tasks.${job}`, new TextEncoder().encode(JSON.stringify(task)), { msgID: `${job}.${e}.${first}` });
        }
        const seen = new Set<number>();
        const decode = (bytes: Uint8Array, source: string): PreparedBatch<B> => {
          const m = decodeMessage(bytes, source) as { index?: unknown; batch?: unknown };
          if (typeof m?.index !== "number" || !Number.isInteger(m.index) || m.index < 0 || m.index >= length)
            throw new Error(`expected { index: 0..${length - 1}, batch }, got index ${JSON.stringify(m?.index)}`);
          return { index: m.index, batch: m.batch as B };
        };
        try {
          for await (const d of fromJetStream(js, { stream: BATCHES, consumer, decode, readAhead })) {
            if (seen.has(d.value.index)) {
              d.ack();
              continue;
            }
            seen.add(d.value.index);
            yield d;
            if (seen.size === length) return;
          }
        } finally {
          // The epoch's consumer has done its work (or the run stopped); a later run of the same epoch makes a new one.
          if (seen.size === length) await (await jetstreamManager(nc)).consumers.delete(BATCHES, consumer).catch(() => undefined);
        }
      })(),
    );
  return { length, epoch };
};

/** Options of `serveDataPreparation`. */
export interface ServeDataPreparationOptions {
  /** Stops taking tasks when aborted (the task in hand is finished first). */
  readonly signal?: AbortSignal;
  /** Told about each batch published (for progress lines). */
  readonly onBatch?: (job: string, epoch: number, index: number) => void;
}

/**
 * The worker's loop (`rivulet worker`): takes preparation tasks from the server, loads and collates their batches with
 * the dataset each task's recipe names, publishes them, then acknowledges the task. Resolves when `signal` aborts.
 * @example
 * await serveDataPreparation(await connectNats("nats://10.0.0.5:4222"));
 */
export const serveDataPreparation = async (nc: NatsConnection, { signal, onBatch }: ServeDataPreparationOptions = {}): Promise<void> => {
  await ensurePrepStreams(nc);
  await ensureConsumer(nc, TASKS, { name: WORKERS });
  const js = jetstream(nc);
  const datasets = new Map<string, Promise<Dataset<unknown>>>();
  const decode = (bytes: Uint8Array): Task => {
    const t = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as Task;
    if (typeof t?.job !== "string" || typeof t.epoch !== "number" || typeof t.recipe?.module !== "string" || !Array.isArray(t.batches))
      throw new Error("expected a task { job, epoch, recipe: { module, export }, batches: [...] }");
    return t;
  };
  const tasks = fromJetStream(js, { stream: TASKS, consumer: WORKERS, decode });
  const iterator = tasks[Symbol.asyncIterator]();
  const stopped = new Promise<IteratorResult<Delivery<Task>>>((resolve) => {
    if (signal?.aborted) resolve({ done: true, value: undefined });
    signal?.addEventListener("abort", () => resolve({ done: true, value: undefined }), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped]);
      if (next.done) return;
      const d = next.value;
      const { job, epoch, recipe, batches } = d.value;
      const id = JSON.stringify(recipe);
      if (!datasets.has(id)) datasets.set(id, makeDataset(recipe, "rivulet worker"));
      const dataset = await datasets.get(id)!;
      for (const { index, indices } of batches) {
        const samples = await Promise.all(indices.map((i) => dataset.get(i)));
        const batch = defaultCollate(samples) as Message;
        await js.publish(`rivulet.prep.batches.${job}.${epoch}`, encodeMessage({ index, batch }), { msgID: `${job}.${epoch}.${index}` });
        d.working();
        onBatch?.(job, epoch, index);
      }
      d.ack();
    }
  } finally {
    await iterator.return?.();
  }
};
