// Atomic file writes: a temporary file in the same directory, fsync, then rename over the target.
import type { FileHandle } from "node:fs/promises";
import { Effect, Exit } from "effect";
import { fsCall, type FileSystemError } from "./FileSystemError.js";
import { newTempPath, releaseTempPath, removeStaleTemps } from "./_tempFiles.js";

/**
 * Writes `bytes` to `path` so that readers see either the old file or the complete new one, never a partial
 * file: the bytes go to a fresh temporary file beside the target (`.<name>.<pid>.<uuid>.tmp`, same file system, so
 * rename is atomic), are fsynced, and the temporary file is renamed over the target. Any failure or interruption
 * removes the temporary file, so does the process exiting; one left by a writer that was killed is removed by the
 * next write to the same path.
 * @example
 * await Effect.runPromise(writeFileAtomic("out/model.safetensors", bytes));
 */
export const writeFileAtomic = (path: string, bytes: Uint8Array): Effect.Effect<void, FileSystemError> =>
  Effect.gen(function* () {
    // Node modules load lazily, so importing rivulet in a browser does not fail; only writing files needs Node.
    const { open, rename, rm } = yield* Effect.promise(() => import("node:fs/promises"));
    // Temporary files of earlier writers of this path that were killed mid-write (hundreds of MB for a checkpoint).
    yield* Effect.promise(() => removeStaleTemps(path));
    const temp = yield* Effect.promise(() => newTempPath(path));
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
          ? Effect.sync(() => releaseTempPath(temp))
          : // Best effort: the handle may already be closed, and a vanished temporary file is what we want anyway.
            Effect.promise(async () => {
              await handle.close().catch(() => undefined);
              await rm(temp, { force: true }).catch(() => undefined);
              releaseTempPath(temp);
            }),
    ).pipe(Effect.onExit((exit) => (Exit.isFailure(exit) ? Effect.sync(() => releaseTempPath(temp)) : Effect.void)));
  });
