// The tagged error every sink fails with: which sink, which file, and what went wrong.
import { Data, Effect } from "effect";
import { prepareFolder } from "../io/prepareFolder.js";

/** A sink could not do its job: `sink` is the operator (toJsonl, checkpoints, ...), `file` the path it was working on. */
export class SinkError extends Data.TaggedError("SinkError")<{
  readonly sink: string;
  readonly file: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}

const detail = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs a promise-returning call as an Effect that fails with a SinkError saying `${sink}: cannot ${what} ${file}: ...`. */
export const sinkCall = <A>(sink: string, file: string, what: string, call: () => Promise<A>): Effect.Effect<A, SinkError> =>
  Effect.tryPromise({
    try: call,
    catch: (cause) => new SinkError({ sink, file, cause, message: `${sink}: cannot ${what} ${file}: ${detail(cause)}` }),
  });

/** Prepares `dir` for a sink's files (created, probed, free space checked; see prepareFolder), failing with a SinkError. */
export const sinkFolder = (sink: string, dir: string): Effect.Effect<void, SinkError> =>
  prepareFolder(dir).pipe(Effect.mapError((cause) => new SinkError({ sink, file: dir, cause, message: `${sink}: ${cause.message}` })));

/** A synchronous computation (rendering, encoding) as an Effect whose exceptions become SinkErrors naming the file. */
export const sinkTry = <A>(sink: string, file: string, call: () => A): Effect.Effect<A, SinkError> =>
  Effect.try({
    try: call,
    catch: (cause) => new SinkError({ sink, file, cause, message: detail(cause).startsWith(`${sink}:`) ? detail(cause) : `${sink}: ${file}: ${detail(cause)}` }),
  });
