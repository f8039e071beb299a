// Private helpers for dataset files at the edge: reading (gunzipping .gz), finding the first existing path, decoding.
import { Effect } from "effect";
import { fsCall, type FileSystemError } from "../../io/FileSystemError.js";
import { CorruptDataset } from "./CorruptDataset.js";

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs a pure decoder that throws `Error("<file>: <reason>")`, failing with a CorruptDataset for that file. */
export const decodeFile = <A>(file: string, decode: () => A): Effect.Effect<A, CorruptDataset> =>
  Effect.try({
    try: decode,
    catch: (e) => {
      if (e instanceof CorruptDataset && e.file === file) return e;
      const message = messageOf(e);
      const reason = message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
      return new CorruptDataset({ file, reason, message: `${file}: ${reason}`, cause: e });
    },
  });

/** Reads a whole file; gzip data (by its magic bytes, whatever the name) is inflated, a short or bad gzip stream is a CorruptDataset. */
export const readDatasetFile = (file: string): Effect.Effect<Uint8Array, FileSystemError | CorruptDataset> =>
  Effect.gen(function* () {
    const { readFile } = yield* Effect.promise(() => import("node:fs/promises"));
    const bytes = yield* fsCall("read", file, () => readFile(file));
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { gunzip } = yield* Effect.promise(() => import("node:zlib"));
    return yield* Effect.tryPromise({
      try: () =>
        new Promise<Uint8Array>((resolve, reject) =>
          gunzip(bytes, (err, out) => (err ? reject(err) : resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength)))),
        ),
      catch: (e) => new CorruptDataset({ file, reason: `gzip data is truncated or corrupt (${messageOf(e)})`, message: `${file}: gzip data is truncated or corrupt (${messageOf(e)})`, cause: e }),
    });
  });

/** True when `path` exists and is a regular file (following symlinks). */
export const isFile = (path: string): Effect.Effect<boolean> =>
  Effect.promise(async () => {
    const { stat } = await import("node:fs/promises");
    return stat(path).then((s) => s.isFile(), () => false);
  });

/** The first of `paths` that is an existing file, or undefined. */
export const firstFile = (paths: readonly string[]): Effect.Effect<string | undefined> =>
  Effect.gen(function* () {
    for (const p of paths) if (yield* isFile(p)) return p;
    return undefined;
  });

/** Whether `path` is missing, a folder, or something else (a file), following symlinks. */
export const pathKind = (path: string): Effect.Effect<"missing" | "folder" | "other"> =>
  Effect.promise(async () => {
    const { stat } = await import("node:fs/promises");
    return stat(path).then((s) => (s.isDirectory() ? "folder" : "other"), () => "missing" as const);
  });
