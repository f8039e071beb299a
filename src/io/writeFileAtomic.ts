// Atomic file writes: a temporary file in the same directory, fsync, then rename over the target.
import type { FileHandle } from "node:fs/promises";
import { Effect, Exit } from "effect";
import { fsCall, type FileSystemError } from "./FileSystemError.js";

/**
 * Writes `bytes` to `path` so that readers see either the old file or the complete new one, never a partial
 * file: the bytes go to a fresh temporary file beside the target (same file system, so rename is atomic), are
 * fsynced, and the temporary file is renamed over the target. Any failure or interruption removes the temporary file.
 * @example
 * await Effect.runPromise(writeFileAtomic("out/model.safetensors", bytes));
 */
export const writeFileAtomic = (path: string, bytes: Uint8Array): Effect.Effect<void, FileSystemError> =>
  Effect.gen(function* () {
    // Node modules load lazily, so importing rivulet in a browser does not fail; only writing files needs Node.
    const { open, rename, rm } = yield* Effect.promise(() => import("node:fs/promises"));
    const { basename, dirname, join } = yield* Effect.promise(() => import("node:path"));
    const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
    yield* Effect.acquireUseRelease(
      // "wx": create exclusively, so the temporary file is certainly ours to remove.
      fsCall("open", temp, () => open(temp, "wx")),
      (handle: FileHandle) =>
        fsCall("write", temp, () => handle.writeFile(bytes)).pipe(
          Effect.andThen(fsCall("sync", temp, () => handle.sync())),
          Effect.andThen(fsCall("close", temp, () => handle.close())),
          Effect.andThen(fsCall("rename", path, () => rename(temp, path))),
        ),
      (handle, exit) =>
        Exit.isSuccess(exit)
          ? Effect.void
          : // Best effort: the handle may already be closed, and a vanished temporary file is what we want anyway.
            Effect.promise(async () => {
              await handle.close().catch(() => undefined);
              await rm(temp, { force: true }).catch(() => undefined);
            }),
    );
  });
