// Opening a text file for appending whole lines, shared by the JSONL and CSV sinks (parent folders created, torn last line fenced off).
import type { FileHandle } from "node:fs/promises";
import { Effect } from "effect";
import { sinkCall, sinkFolder, SinkError } from "./SinkError.js";

/** An open append-mode file and what was already in it. */
export interface AppendFile {
  readonly handle: FileHandle;
  readonly path: string;
  /** The file's first line without its newline (a CSV header), or undefined for a new or empty file. */
  readonly firstLine: string | undefined;
}

const HEAD_BYTES = 1 << 16;

/** Creates the parent folder, opens `path` for appending and reads its first line; an unwritable place fails here, at the start. */
export const openAppend = (sink: string, path: string): Effect.Effect<AppendFile, SinkError> =>
  Effect.gen(function* () {
    const { open } = yield* Effect.promise(() => import("node:fs/promises"));
    const { dirname } = yield* Effect.promise(() => import("node:path"));
    yield* sinkFolder(sink, dirname(path));
    // "a+": appends always go to the end (O_APPEND), so each line lands whole even with other writers; reads see the old contents.
    const handle = yield* sinkCall(sink, path, "append to", () => open(path, "a+"));
    const inspect = Effect.gen(function* () {
      const { size } = yield* sinkCall(sink, path, "stat", () => handle.stat());
      if (size === 0) return undefined;
      const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
      yield* sinkCall(sink, path, "read", () => handle.read(head, 0, head.length, 0));
      const last = Buffer.alloc(1);
      yield* sinkCall(sink, path, "read", () => handle.read(last, 0, 1, size - 1));
      // A crash mid-write can leave a torn last line; start on a fresh line so every line written now is whole.
      if (last[0] !== 0x0a) yield* sinkCall(sink, path, "append to", () => handle.write("\n"));
      const newline = head.indexOf(0x0a);
      if (newline < 0 && size > HEAD_BYTES)
        return yield* Effect.fail(new SinkError({ sink, file: path, message: `${sink}: ${path}: the first line is longer than ${HEAD_BYTES} bytes; is this really a metrics file?` }));
      return head.subarray(0, newline < 0 ? head.length : newline).toString("utf8").replace(/\r$/, "");
    });
    const firstLine = yield* inspect.pipe(Effect.onError(() => Effect.promise(() => handle.close().catch(() => undefined))));
    return { handle, path, firstLine };
  });

/** Appends one complete line (a single write, so a line is never interleaved or split by this process). */
export const appendLine = (sink: string, file: AppendFile, line: string): Effect.Effect<void, SinkError> =>
  sinkCall(sink, file.path, "append to", () => file.handle.write(`${line}\n`)).pipe(Effect.asVoid);

/** Flushes to disk and closes. */
export const closeAppend = (sink: string, file: AppendFile): Effect.Effect<void, SinkError> =>
  sinkCall(sink, file.path, "flush", () => file.handle.sync()).pipe(
    Effect.ensuring(Effect.promise(() => file.handle.close().catch(() => undefined))),
  );
