// One open event file: TFRecord-framed events queued in memory, written when the queue fills, on a timer, on flush and on close.
import type { FileHandle } from "node:fs/promises";
import { Effect } from "effect";
import { prepareFolder } from "../../io/prepareFolder.js";
import { encodeTfRecord } from "./tfrecord.js";
import { encodeEvent } from "./_eventProto.js";
import { TensorBoardError, tensorBoardError, type TensorBoardOperation } from "./TensorBoardError.js";

export interface EventFileOptions {
  readonly flushSecs: number;
  readonly maxQueue: number;
  readonly filenameSuffix: string;
}

const call = <A>(operation: TensorBoardOperation, path: string, f: () => Promise<A>): Effect.Effect<A, TensorBoardError> =>
  Effect.tryPromise({ try: f, catch: (e) => tensorBoardError(operation, path, e) });

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** An event file being written. A class because it is a resource with identity: an open handle and a queue. */
export class EventFile {
  private pending: Uint8Array[] = [];
  // Every file operation runs after the previous one, so records land in the order they were added.
  private tail: Promise<void> = Promise.resolve();
  private failure: TensorBoardError | undefined;
  private closing: Promise<void> | undefined;
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    /** The event file's path. */
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly maxQueue: number,
    flushSecs: number,
  ) {
    if (Number.isFinite(flushSecs)) {
      this.timer = setInterval(() => void this.flush().catch(() => undefined), flushSecs * 1000);
      // The timer must not keep a finished program alive; close() flushes what is left.
      this.timer.unref?.();
    }
  }

  /** Queues one serialised Event; the queue is written (not synced) once it holds `maxQueue` records. */
  add(event: Uint8Array): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`SummaryWriter: ${this.path} is closed; open a new writer to log more`));
    if (this.failure) return Promise.reject(this.failure);
    this.pending.push(encodeTfRecord(event));
    return this.pending.length >= this.maxQueue ? this.enqueue(false) : Promise.resolve();
  }

  /** Writes everything queued and syncs it to disk. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.enqueue(true);
  }

  /** Flushes and closes the file; calling it again returns the same promise. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer !== undefined) clearInterval(this.timer);
      try {
        await this.enqueue(true);
      } finally {
        await this.handle.close().catch(() => undefined);
      }
      if (this.failure) throw this.failure;
    })();
    return this.closing;
  }

  private enqueue(sync: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.failure) throw this.failure;
      const records = this.pending;
      this.pending = [];
      const op = (operation: TensorBoardOperation, f: () => Promise<unknown>) =>
        f().catch((e: unknown) => {
          this.failure = tensorBoardError(operation, this.path, e);
          throw this.failure;
        });
      // One write per batch of whole records: a crash can only cut the last, unflushed batch.
      if (records.length > 0) await op("write", () => this.handle.write(concat(records)));
      if (sync) await op("sync", () => this.handle.sync());
    };
    const next = this.tail.then(run);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** Today's event file name: events.out.tfevents.<10-digit unix time>.<host>.<pid>.<n><suffix>. */
const eventFileName = (host: string, pid: number, n: number, suffix: string): string =>
  `events.out.tfevents.${String(Math.floor(Date.now() / 1000)).padStart(10, "0")}.${host}.${pid}.${n}${suffix}`;

/**
 * Creates `dir` (recursively) and a new event file in it holding the `brain.Event:2` header, written and synced at once,
 * so a directory that cannot be created or written fails here rather than at the first summary.
 */
export const openEventFile = (dir: string, { flushSecs, maxQueue, filenameSuffix }: EventFileOptions): Effect.Effect<EventFile, TensorBoardError> =>
  Effect.gen(function* () {
    const { open, rm } = yield* Effect.promise(() => import("node:fs/promises"));
    const { join } = yield* Effect.promise(() => import("node:path"));
    const { hostname } = yield* Effect.promise(() => import("node:os"));
    yield* prepareFolder(dir, { noun: "log directory" }).pipe(
      Effect.mapError((e) => new TensorBoardError({ path: e.file, operation: "mkdir", code: e.code, cause: e, message: `SummaryWriter: ${e.message}` })),
    );
    // Several writers of one process may open files in the same second: "wx" creates exclusively, the counter moves on.
    const handleAndPath = (n: number): Effect.Effect<readonly [FileHandle, string], TensorBoardError> => {
      const path = join(dir, eventFileName(hostname(), process.pid, n, filenameSuffix));
      return call("open", path, () => open(path, "wx")).pipe(
        Effect.map((h) => [h, path] as const),
        Effect.catchIf(
          (e: TensorBoardError) => e.code === "EEXIST" && n < 1000,
          () => handleAndPath(n + 1),
        ),
      );
    };
    const [handle, path] = yield* handleAndPath(0);
    const header = encodeTfRecord(encodeEvent({ wallTime: Date.now() / 1000, fileVersion: "brain.Event:2", sourceWriter: "rivulet" }));
    yield* call("write", path, () => handle.write(header)).pipe(
      Effect.andThen(call("sync", path, () => handle.sync())),
      // Nothing half-written stays behind: a file whose header could not be written is removed.
      Effect.tapError(() => Effect.promise(() => handle.close().then(() => rm(path, { force: true })).catch(() => undefined))),
    );
    return new EventFile(path, handle, maxQueue, flushSecs);
  });
