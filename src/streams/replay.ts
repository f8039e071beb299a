// replay: the values of a recording, emitted again exactly (tensors bit for bit), validated record by record.
import { Effect } from "effect";
import { toArray } from "rxjs";
import { fromPull, type PullSource } from "./pull.js";
import { RecordingError } from "./RecordingError.js";
import { ReplayedError } from "./ReplayedError.js";
import { recordedValues } from "./_recordedValues.js";

export { ReplayedError };

const lines = (file: string) => async function* (): AsyncGenerator<unknown> {
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new RecordingError({ file, record: -1, field: "", message: `replay: ${file}: cannot read the recording: ${e instanceof Error ? e.message : String(e)}`, cause: e });
  }
  yield* recordedValues(text, file);
};

/**
 * Emits the values recorded at `path` by `record`, then ends as the recorded stream did (complete, or its
 * error as a `ReplayedError`). Pull-driven: a record is decoded when the consumer is ready. A corrupted, edited
 * (checksum), reordered, duplicated, dropped (index, end count) or truncated record errors with a `RecordingError`
 * naming the file, the record number, the line and the field.
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
