// The CSV metric sink: one row per value under a header written once, even across resumed runs.
import { Effect } from "effect";
import type { MonoTypeOperatorFunction } from "rxjs";
import { appendLine, closeAppend, openAppend, type AppendFile } from "./_appendFile.js";
import { metricRecord, type MetricCell } from "./_metricRecord.js";
import { sinkOperator } from "./_sinkOperator.js";
import { SinkError, sinkTry } from "./SinkError.js";

export interface ToCsvOptions {
  /** The columns, in order. Default: the existing file's header, else the first value's fields. */
  readonly columns?: readonly string[];
}

/** One CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, quote, line break or edge space. */
export const csvField = (cell: MetricCell | undefined): string => {
  if (cell === undefined || cell === null) return "";
  const s = String(cell);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Splits one CSV line (a header) into fields, honouring quotes. */
const parseCsvLine = (line: string): string[] => {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = "";
      i++;
      while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
        s += line[i];
        i += line[i] === '"' ? 2 : 1;
      }
      fields.push(s);
      i += 2; // closing quote and comma
    } else {
      const end = line.indexOf(",", i);
      fields.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return fields;
};

interface CsvState {
  readonly file: AppendFile;
  columns: readonly string[] | undefined;
}

const sameColumns = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((c, i) => c === b[i]);

/**
 * Appends each value to `path` as a CSV row (fields flattened as toJsonl does, escaped as RFC 4180) and passes it on.
 * The header is written once: a resumed run finds it in the existing file and keeps its columns. A value with a field
 * outside the columns is an error (a silently dropped metric is worse); a missing field is an empty cell. The file is
 * opened on subscription, so a bad path errors the stream with a SinkError before the first value.
 * @example
 * await lastValueFrom(epochs$.pipe(toCsv("runs/lenet/metrics.csv", { columns: ["epoch", "trainLoss", "testAcc"] })));
 */
export const toCsv = <T>(path: string, { columns }: ToCsvOptions = {}): MonoTypeOperatorFunction<T> => {
  const fail = (message: string) => Effect.fail(new SinkError({ sink: "toCsv", file: path, message: `toCsv: ${path}: ${message}` }));
  const writeHeader = (state: CsvState, cols: readonly string[]) =>
    Effect.sync(() => {
      state.columns = cols;
    }).pipe(Effect.andThen(appendLine("toCsv", state.file, cols.map(csvField).join(","))));
  return sinkOperator<T, CsvState>({
    open: Effect.gen(function* () {
      if (columns !== undefined && (columns.length === 0 || new Set(columns).size !== columns.length))
        return yield* fail(`columns must be non-empty and distinct, got [${columns.join(", ")}]`);
      const file = yield* openAppend("toCsv", path);
      const state: CsvState = { file, columns: undefined };
      const existing = file.firstLine === undefined ? undefined : parseCsvLine(file.firstLine);
      if (existing !== undefined && columns !== undefined && !sameColumns(existing, columns)) {
        yield* closeAppend("toCsv", file);
        return yield* fail(`the existing header [${existing.join(", ")}] differs from columns [${columns.join(", ")}]; write to a new file or pass the same columns`);
      }
      if (existing !== undefined) state.columns = existing;
      else if (columns !== undefined) yield* writeHeader(state, columns);
      return state;
    }),
    write: (state, value) =>
      Effect.gen(function* () {
        const row = yield* sinkTry("toCsv", path, () => metricRecord("toCsv", value));
        if (state.columns === undefined) yield* writeHeader(state, Object.keys(row));
        const cols = state.columns!;
        const extra = Object.keys(row).filter((k) => !cols.includes(k));
        if (extra.length > 0)
          return yield* fail(`field${extra.length > 1 ? "s" : ""} ${extra.map((k) => `"${k}"`).join(", ")} not among the columns [${cols.join(", ")}]; pass { columns } listing every field`);
        yield* appendLine("toCsv", state.file, cols.map((c) => csvField(row[c])).join(","));
      }),
    close: (state) => closeAppend("toCsv", state.file),
  });
};
