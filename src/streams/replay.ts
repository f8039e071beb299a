// replay: the values of a recording, emitted again exactly (tensors bit for bit), validated record by record.
import { Effect } from "effect";
import { isLeft } from "fp-ts/lib/Either.js";
import { toArray } from "rxjs";
import { fromPull, type PullSource } from "./pull.js";
import { RecordingError } from "./RecordingError.js";
import { End, FieldError, Header, decodeValue, isValueLine } from "./_recordingCodec.js";
import { describeErrors } from "./_ioErrors.js";

/** The recorded stream's own error, re-emitted where it happened. */
export class ReplayedError extends Error {
  constructor(readonly recordedName: string, message: string) {
    super(message);
    this.name = recordedName;
  }
}

const lines = (file: string) => async function* (): AsyncGenerator<unknown> {
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new RecordingError({ file, record: -1, field: "", message: `replay: ${file}: cannot read the recording: ${e instanceof Error ? e.message : String(e)}`, cause: e });
  }
  const all = text.split("\n");
  const bad = (record: number, line: number, field: string, what: string): RecordingError =>
    new RecordingError({ file, record, field, message: `replay: ${file}: ${record >= 0 ? `record ${record} (line ${line})` : `line ${line}`}${field && !what.startsWith("field") ? `, field ${field}` : ""}: ${what}` });
  const parse = (i: number, record: number): unknown => {
    try {
      return JSON.parse(all[i]!);
    } catch (e) {
      throw bad(record, i + 1, "", `not valid JSON (${(e as Error).message}${i === all.length - 1 ? "; the file is truncated" : ""})`);
    }
  };
  const header = Header.decode(all[0] === "" && all.length === 1 ? undefined : parse(0, -1));
  if (isLeft(header)) throw bad(-1, 1, "", `not a rivulet recording: ${describeErrors(header.left, "header")}`);
  for (let i = 1, record = 0; ; i++, record++) {
    if (i >= all.length || (all[i] === "" && i === all.length - 1))
      throw bad(record, i + 1, "", `the file ends after ${record} records without an end marker (truncated, or the recording process died)`);
    const parsed = parse(i, record);
    if (isValueLine(parsed)) {
      try {
        yield decodeValue(parsed.v);
      } catch (e) {
        if (e instanceof FieldError) throw bad(record, i + 1, e.field, e.message);
        throw e;
      }
      continue;
    }
    const end = End.decode(parsed);
    if (isLeft(end)) throw bad(record, i + 1, "", `expected a value line { v } or an end line { end }, got ${JSON.stringify(parsed)?.slice(0, 60)}`);
    const l = end.right;
    if (i + 1 < all.length && !(i + 2 === all.length && all[i + 1] === ""))
      throw bad(record, i + 2, "", "unexpected data after the end marker");
    if (l.end === "error") throw new ReplayedError(l.name, l.message);
    return;
  }
};

/**
 * Emits the values recorded at `path` by `record`, then ends as the recorded stream did (complete, or its
 * error as a `ReplayedError`). Pull-driven: a record is decoded when the consumer is ready. A corrupted or
 * truncated file errors with a `RecordingError` naming the file, the record number and the field.
 * @example
 * replay("test/fixtures/recordings/pipeline.jsonl").subscribe((metrics) => console.log(metrics));
 */
export const replay = <T = unknown>(path: string): PullSource<T> => fromPull(() => lines(path)() as AsyncGenerator<T>);

/**
 * All the values of a recording, as an Effect program failing with a RecordingError (or the recorded stream's error).
 * @example
 * const values = await Effect.runPromise(readRecording("run/metrics.jsonl"));
 */
export const readRecording = <T = unknown>(path: string): Effect.Effect<T[], RecordingError | ReplayedError> =>
  Effect.tryPromise({
    try: () => new Promise<T[]>((resolve, reject) => replay<T>(path).pipe(toArray()).subscribe({ next: resolve, error: reject })),
    catch: (e) => (e instanceof RecordingError || e instanceof ReplayedError ? e : new RecordingError({ file: path, record: -1, field: "", message: String(e), cause: e })),
  });
