// The JSON Lines metric sink: one JSON object per value, appended to a file that survives restarts and crashes.
import { Effect } from "effect";
import type { MonoTypeOperatorFunction } from "rxjs";
import { appendLine, closeAppend, openAppend, type AppendFile } from "./_appendFile.js";
import { metricRecord } from "./_metricRecord.js";
import { sinkOperator } from "./_sinkOperator.js";
import { sinkTry } from "./SinkError.js";

/**
 * Appends each value to `path` as one line of JSON (nested records flattened to "train.loss", one-element tensors
 * read as numbers, NaN and ±Infinity written as null, as JSON has no such numbers) and passes it on. The folder is
 * created and the file opened on subscription, so a bad path errors the stream with a SinkError before the first value;
 * a resumed run appends to the same file. Completes after the last line is flushed.
 * @example
 * await lastValueFrom(epochs$.pipe(toJsonl("runs/lenet/metrics.jsonl")));
 */
export const toJsonl = <T>(path: string): MonoTypeOperatorFunction<T> =>
  sinkOperator<T, AppendFile>({
    open: openAppend("toJsonl", path),
    write: (file, value) =>
      Effect.flatMap(
        sinkTry("toJsonl", path, () => JSON.stringify(metricRecord("toJsonl", value))),
        (line) => appendLine("toJsonl", file, line),
      ),
    close: (file) => closeAppend("toJsonl", file),
  });
