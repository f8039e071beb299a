// The tagged error for a failed file-system call (open, read, write, sync, close, rename), with the errno code.
import { Data, Effect } from "effect";

/** The file-system call that failed. */
export type FileOperation = "open" | "read" | "write" | "sync" | "close" | "rename" | "mkdir" | "statfs";

/** A file-system call failed: which file, which call, Node's error code (ENOENT, EACCES, ...) and the cause. */
export class FileSystemError extends Data.TaggedError("FileSystemError")<{
  readonly file: string;
  readonly operation: FileOperation;
  readonly code: string | undefined;
  readonly message: string;
  readonly cause: unknown;
}> {}

const codeOf = (e: unknown): string | undefined =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : undefined;

/** Runs a promise-returning file-system call as an Effect that fails with a FileSystemError. */
export const fsCall = <A>(operation: FileOperation, file: string, call: () => Promise<A>): Effect.Effect<A, FileSystemError> =>
  Effect.tryPromise({
    try: call,
    catch: (cause) => {
      const code = codeOf(cause);
      const detail = cause instanceof Error ? cause.message : String(cause);
      return new FileSystemError({ file, operation, code, cause, message: `${operation} ${file} failed: ${detail}` });
    },
  });
