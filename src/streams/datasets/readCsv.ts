// Reading a CSV file into an arquero table, with pandas.read_csv's notion of missing values and numeric columns.
import { Effect } from "effect";
import { fsCall, type FileSystemError } from "../../io/FileSystemError.js";
import { CorruptDataset, corruptDataset } from "./CorruptDataset.js";
import { csvRows } from "./_csvRows.js";
import { datasetNotFound, type DatasetNotFound } from "./DatasetNotFound.js";
import { tableOf, type Cell, type Table } from "./_tableColumns.js";

/** pandas.read_csv's default na_values: these cells are read as missing (null). */
export const PANDAS_NA_VALUES: readonly string[] = [
  "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

export interface ReadCsvOptions {
  /** The field separator. */
  readonly delimiter?: string;
  /** Cells read as missing (null); pandas' defaults unless given. */
  readonly naValues?: readonly string[];
}

/**
 * Parses CSV text into a table: a column whose every non-missing cell is a number becomes numeric, any other stays
 * strings; cells in `naValues` are null; a row shorter than the header is padded with nulls (as pandas). Throws a
 * CorruptDataset naming `source` and the line for an empty text (no header), an unclosed quote, a repeated column or
 * a row with more fields than the header.
 * @example
 * const table = parseCsv("NumRooms,Alley,Price\nNA,Pave,127500\n2,NA,106000\n");
 */
export const parseCsv = (text: string, { delimiter = ",", naValues = PANDAS_NA_VALUES, source = "CSV text" }: ReadCsvOptions & { source?: string } = {}): Table => {
  let parsed: ReturnType<typeof csvRows>;
  try {
    parsed = csvRows(text, delimiter, source);
  } catch (e) {
    throw corruptDataset(source, (e as Error).message.slice(source.length + 2), e);
  }
  const { header, rows } = parsed;
  const na = new Set(naValues);
  return tableOf(
    header.map((name, c) => {
      const cells: Cell[] = rows.map((r) => {
        const v = r.fields[c]!;
        return v === null || na.has(v) ? null : v;
      });
      // Number("") is 0 and Number(" 1 ") is 1, so require a non-blank cell; pandas reads such columns as float64 too.
      const numeric = cells.every((v) => v === null || (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))));
      return [name, numeric ? cells.map((v) => (v === null ? null : Number(v))) : cells] as const;
    }),
  );
};

/**
 * Reads a CSV file into a table (see parseCsv); a missing file is a DatasetNotFound naming it.
 * @example
 * const table = await Effect.runPromise(loadCsv("data/house_tiny.csv"));
 */
export const loadCsv = (path: string, options: ReadCsvOptions = {}): Effect.Effect<Table, DatasetNotFound | CorruptDataset | FileSystemError> =>
  Effect.gen(function* () {
    const { readFile } = yield* Effect.promise(() => import("node:fs/promises"));
    const text = yield* fsCall("read", path, () => readFile(path, "utf8")).pipe(
      Effect.catchIf(
        (e) => e.code === "ENOENT",
        () => Effect.fail(datasetNotFound(path, [path], "No such CSV file; check the path (relative paths start at the current directory).")),
      ),
    );
    return yield* Effect.try({
      try: () => parseCsv(text, { ...options, source: path }),
      catch: (e) => (e instanceof CorruptDataset ? e : corruptDataset(path, String(e), e)),
    });
  });

/**
 * Promise form of loadCsv, like `pandas.read_csv(path)`.
 * @example
 * const data = await readCsv("data/house_tiny.csv");
 */
export const readCsv = (path: string, options: ReadCsvOptions = {}): Promise<Table> => Effect.runPromise(loadCsv(path, options));
