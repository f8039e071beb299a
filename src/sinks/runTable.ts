// A run's metrics as an arquero table with summaries (best epoch, final values, mean/min/max), printing and export.
import { Effect } from "effect";
import { from, fromCSV, type ColumnTable } from "arquero";
import { metricRecord, type MetricCell, type MetricRecord } from "./_metricRecord.js";
import { SinkError, sinkCall } from "./SinkError.js";

export type { MetricCell, MetricRecord } from "./_metricRecord.js";

export interface BestOptions {
  /** "min" for losses and errors (PyTorch's ReduceLROnPlateau default), "max" for accuracies. */
  readonly mode?: "min" | "max";
}

/** A run's metrics, one row per value logged; immutable. */
export interface RunTable {
  /** The arquero table, for any further query (filter, groupby, derive...). */
  readonly table: ColumnTable;
  readonly columns: readonly string[];
  readonly numRows: number;
  /** The rows as records (missing cells are null). */
  rows(): MetricRecord[];
  /** The row where `metric` is best (the first such row on ties); its `epoch` field is the best epoch. */
  best(metric: string, options?: BestOptions): MetricRecord;
  /** The last row: the final values. */
  final(): MetricRecord;
  /** One row per numeric column (except `index`): metric, final, mean, min, max, and where min and max were reached. */
  summary(options?: { readonly index?: string }): RunTable;
  /** An aligned plain-text table. */
  toString(): string;
  toCSV(): string;
  toJSON(): string;
  toMarkdown(): string;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && !Number.isNaN(v);

/** Formats a numeric column alike: integers as they are, others to 4 decimals (or 3 significant digits when tiny). */
const formatColumn = (cells: readonly MetricCell[]): string[] => {
  const nums = cells.filter(isNumber);
  const allInts = nums.every(Number.isInteger);
  const tiny = nums.some((x) => x !== 0 && Math.abs(x) < 1e-3);
  return cells.map((c) =>
    c === null ? "" : typeof c !== "number" ? String(c) : allInts || !Number.isFinite(c) ? String(c) : tiny ? c.toExponential(3) : c.toFixed(4),
  );
};

const textTable = (columns: readonly string[], rows: readonly MetricRecord[]): string => {
  const cells = columns.map((c) => formatColumn(rows.map((r) => r[c] ?? null)));
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number"));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells[j]!.map((s) => s.length)));
  const pad = (s: string, j: number) => (numeric[j] ? s.padStart(widths[j]!) : s.padEnd(widths[j]!));
  const lines = [columns.map((c, j) => pad(c, j)).join("  "), widths.map((w) => "-".repeat(w)).join("  ")];
  rows.forEach((_, i) => lines.push(columns.map((_, j) => pad(cells[j]![i]!, j)).join("  ")));
  return lines.map((l) => l.trimEnd()).join("\n");
};

const makeRunTable = (table: ColumnTable): RunTable => {
  const columns = table.columnNames();
  const rows = (): MetricRecord[] => table.objects() as MetricRecord[];
  const column = (op: string, name: string): MetricCell[] => {
    if (!columns.includes(name)) throw new Error(`runTable.${op}: no column "${name}"; the columns are [${columns.join(", ")}]`);
    return Array.from(table.array(name) as ArrayLike<MetricCell>);
  };
  const nonEmpty = (op: string): void => {
    if (table.numRows() === 0) throw new Error(`runTable.${op}: the table has no rows`);
  };
  const self: RunTable = {
    table,
    columns,
    numRows: table.numRows(),
    rows,
    best: (metric, { mode = "min" } = {}) => {
      if (mode !== "min" && mode !== "max") throw new Error(`runTable.best: mode must be "min" or "max", got ${JSON.stringify(mode)}`);
      const values = column("best", metric);
      let at = -1;
      values.forEach((v, i) => {
        if (isNumber(v) && (at < 0 || (mode === "min" ? v < (values[at] as number) : v > (values[at] as number)))) at = i;
      });
      if (at < 0) throw new Error(`runTable.best: column "${metric}" has no numbers`);
      return rows()[at]!;
    },
    final: () => {
      nonEmpty("final");
      return rows()[table.numRows() - 1]!;
    },
    summary: ({ index = "epoch" } = {}) => {
      nonEmpty("summary");
      const stats = columns
        .filter((c) => c !== index)
        .flatMap((c) => {
          const values = column("summary", c);
          const nums = values.filter(isNumber);
          if (nums.length === 0 || nums.length !== values.filter((v) => v !== null).length) return [];
          const at = (target: number): MetricCell => {
            const i = values.indexOf(target);
            return columns.includes(index) ? (column("summary", index)[i] ?? null) : i;
          };
          const min = Math.min(...nums);
          const max = Math.max(...nums);
          const last = values.findLast(isNumber) ?? null;
          return [{ metric: c, final: last, mean: nums.reduce((a, b) => a + b, 0) / nums.length, min, [`${index}@min`]: at(min), max, [`${index}@max`]: at(max) }];
        });
      return runTable(stats);
    },
    toString: () => textTable(columns, rows()),
    toCSV: () => table.toCSV(),
    toJSON: () => table.toJSON(),
    toMarkdown: () => table.toMarkdown(),
  };
  return self;
};

/**
 * A run table from metric values (records as the sinks log them; nested records flatten to "train.loss"). Columns appear
 * in order of first appearance; missing cells are null.
 * @example
 * const run = runTable([{ epoch: 1, loss: 0.9, testAcc: 0.7 }, { epoch: 2, loss: 0.6, testAcc: 0.8 }]);
 * run.best("testAcc", { mode: "max" }).epoch; // 2
 * console.log(run.summary().toString());
 */
export const runTable = (values: Iterable<unknown>): RunTable => {
  const rows = Array.from(values, (v) => metricRecord("runTable", v));
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return makeRunTable(from(rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null]))), names));
};

/** Parses JSON Lines text (as toJsonl writes it) into a run table; a torn last line (a crash mid-write) is skipped. */
export const parseJsonl = (text: string, source = "<text>"): RunTable => {
  const lines = text.split("\n");
  return runTable(
    lines.flatMap((line, i) => {
      if (line.trim() === "") return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch (e) {
        // Text after the last newline that does not parse is a line torn by a crash mid-write: the sinks fence it off.
        if (i === lines.length - 1) return [];
        throw new Error(`fromJsonl: ${source}: line ${i + 1} is not JSON (${e instanceof Error ? e.message : String(e)})`);
      }
    }),
  );
};

export interface LoadRunTableOptions {
  /** The file's format; by default "csv" for a `.csv` name, else "jsonl". */
  readonly format?: "jsonl" | "csv";
}

/**
 * Reads a metrics file written by toJsonl (`.jsonl`) or toCsv (`.csv`) into a run table, as an Effect failing with a
 * SinkError that names the file.
 * @example
 * const run = await Effect.runPromise(loadRunTable("runs/lenet/metrics.jsonl"));
 */
export const loadRunTable = (path: string, { format }: LoadRunTableOptions = {}): Effect.Effect<RunTable, SinkError> =>
  Effect.gen(function* () {
    const { readFile } = yield* Effect.promise(() => import("node:fs/promises"));
    const text = yield* sinkCall("loadRunTable", path, "read", () => readFile(path, "utf8"));
    return yield* Effect.try({
      try: () => ((format ?? (/\.csv$/i.test(path) ? "csv" : "jsonl")) === "csv" ? makeRunTable(fromCSV(text)) : parseJsonl(text, path)),
      catch: (cause) => new SinkError({ sink: "loadRunTable", file: path, cause, message: cause instanceof Error ? cause.message : String(cause) }),
    });
  });

/**
 * Promise form of loadRunTable for a JSON Lines file. Rejects with a SinkError.
 * @example
 * console.log((await fromJsonl("runs/lenet/metrics.jsonl")).toString());
 */
export const fromJsonl = (path: string): Promise<RunTable> => Effect.runPromise(loadRunTable(path, { format: "jsonl" }));
