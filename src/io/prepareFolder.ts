// Making sure a folder can take files before anything is written there: created one level at a time, probed, and its free space checked.
import { Effect } from "effect";
import { FileSystemError } from "./FileSystemError.js";

/** Less free space than this on the folder's file system is treated as a full disk. */
export const MIN_FREE_BYTES = 1 << 20;

export interface PrepareFolderOptions {
  /** Fail when the file system has less free space than this (default MIN_FREE_BYTES, 1 MiB). */
  readonly minFreeBytes?: number;
  /** What the folder is called in messages (default "folder"; TensorBoard's is the "log directory"). */
  readonly noun?: string;
}

const codeOf = (e: unknown): string | undefined =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : undefined;

/** What an errno means here, in words. */
const explain = (code: string | undefined): string =>
  code === "EACCES" || code === "EPERM" ? "permission denied"
  : code === "EROFS" ? "the file system is read-only"
  : code === "ENOSPC" || code === "EDQUOT" ? "no space left on the device"
  : code === "ENOENT" ? "the file system does not allow it (a virtual file system such as /proc?)"
  : code === "ENOTDIR" ? "a part of the path is a file, not a folder"
  : code ?? "unknown error";

const failure = (operation: "mkdir" | "open" | "write" | "statfs", file: string, what: string, cause?: unknown): FileSystemError =>
  new FileSystemError({ file, operation, code: codeOf(cause), cause, message: `${what}${cause === undefined ? "" : `: ${explain(codeOf(cause))} (${codeOf(cause) ?? String(cause)})`}` });

/**
 * Creates `dir` (each missing level with its own mkdir, so an impossible place fails at once with its real reason
 * rather than hanging or reporting ENOENT, as Node's recursive mkdir can under /proc), then writes and removes a
 * probe file and checks the free space: a folder that cannot take files fails here, before any work is done.
 * @example
 * await Effect.runPromise(prepareFolder("runs/exp1"));
 */
export const prepareFolder = (dir: string, { minFreeBytes = MIN_FREE_BYTES, noun = "folder" }: PrepareFolderOptions = {}): Effect.Effect<void, FileSystemError> =>
  Effect.gen(function* () {
    const fs = yield* Effect.promise(() => import("node:fs/promises"));
    const { dirname, join, resolve } = yield* Effect.promise(() => import("node:path"));
    const target = resolve(dir);
    const kind = (p: string) => Effect.promise(() => fs.stat(p).then((s) => (s.isDirectory() ? "folder" : "file"), (e: unknown) => codeOf(e) ?? "error"));

    // The deepest part of the path that exists; everything below it is to be created.
    const missing: string[] = [];
    let at = target;
    let found = yield* kind(at);
    while (found === "ENOENT" && dirname(at) !== at) {
      missing.unshift(at);
      at = dirname(at);
      found = yield* kind(at);
    }
    if (found === "file")
      return yield* Effect.fail(new FileSystemError({ file: target, operation: "mkdir", code: "ENOTDIR", cause: undefined, message: `cannot create the ${noun} ${target}: ${at} is a file, not a folder (ENOTDIR)` }));
    if (found !== "folder")
      return yield* Effect.fail(new FileSystemError({ file: target, operation: "mkdir", code: found, cause: undefined, message: `cannot create the ${noun} ${target}: ${at} cannot be examined: ${explain(found)} (${found})` }));
    for (const level of missing) {
      const made = yield* Effect.promise(() => fs.mkdir(level).then(() => undefined, (e: unknown) => e));
      if (made !== undefined && codeOf(made) !== "EEXIST")
        return yield* Effect.fail(failure("mkdir", target, `cannot create the ${noun} ${target}${level === target ? "" : ` (at ${level})`}`, made));
    }

    // A probe file: the folder must take a file and its bytes now, not an epoch later.
    const probe = join(target, `.rivulet-probe-${crypto.randomUUID()}`);
    const wrote = yield* Effect.promise(() => fs.writeFile(probe, "rivulet\n", { flag: "wx" }).then(() => undefined, (e: unknown) => e));
    yield* Effect.promise(() => fs.rm(probe, { force: true }).catch(() => undefined));
    if (wrote !== undefined) return yield* Effect.fail(failure("write", target, `cannot write files in the ${noun} ${target}`, wrote));

    const space = yield* Effect.promise(() => fs.statfs(target).then((s) => s.bavail * s.bsize, (e: unknown) => e as Error));
    if (typeof space === "number" && space < minFreeBytes)
      return yield* Effect.fail(failure("statfs", target, `the file system of the ${noun} ${target} is full: ${space} bytes free, less than the ${minFreeBytes} needed to start`));
  });
