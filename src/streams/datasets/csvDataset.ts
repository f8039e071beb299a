// A supervised dataset from a CSV file: read, select, drop/fill missing values, standardise, one-hot encode, to tensors.
import { Effect } from "effect";
import type { FileSystemError } from "../../io/FileSystemError.js";
import type { Tensor } from "../../ops/Tensor.js";
import { tensor } from "../../ops/creation.js";
import { select } from "../../ops/slicing.js";
import type { Dataset, Sample } from "../Dataset.js";
import { CorruptDataset } from "./CorruptDataset.js";
import type { DatasetNotFound } from "./DatasetNotFound.js";
import { dropNa as dropMissing } from "./dropNa.js";
import { fillNa as fillMissing } from "./fillNa.js";
import { getDummies } from "./getDummies.js";
import { loadCsv, type ReadCsvOptions } from "./readCsv.js";
import { standardize as standardizeColumns } from "./standardize.js";
import { tableToTensor } from "./tableToTensor.js";
import { columnValues, isNa, isNumericColumn, requireColumns, tableOf, type Table } from "./_tableColumns.js";

export interface CsvDatasetOptions extends ReadCsvOptions {
  /** The column to predict: numeric → float32 labels [n, 1] (regression); text → int32 class indices [n] (sorted classes). */
  readonly target: string;
  /** Feature columns, in this order; every other column by default. */
  readonly features?: readonly string[];
  /** Drop rows with a missing feature or target first. */
  readonly dropNa?: boolean;
  /** Standardise these numeric feature columns (true: all numeric features), std with Bessel's correction as pandas. */
  readonly standardize?: readonly string[] | true;
  /** Replace missing feature cells by this value after standardising (d2l: 0, the mean). */
  readonly fillNa?: number;
  /** One-hot encode these text feature columns (true: all text features), as pandas.get_dummies. */
  readonly oneHot?: readonly string[] | true;
  /** With oneHot, add a `<column>_nan` indicator for missing values (d2l: dummy_na=True). */
  readonly dummyNa?: boolean;
}

/** Features [n, d] float32 and labels, row i being sample i; `featureNames` name the d columns. */
export interface CsvDataset extends Dataset<Sample<Tensor, Tensor>> {
  readonly features: Tensor;
  readonly labels: Tensor;
  readonly featureNames: readonly string[];
  /** For a text target: the class names, in index order. */
  readonly classes?: readonly string[];
  /** The feature table after every step, before conversion. */
  readonly table: Table;
  get(index: number): Sample<Tensor, Tensor>;
}

/** Builds the dataset from a table (the pure half of loadCsvDataset); throws naming `source` and the problem. */
export const tableDataset = (table: Table, options: CsvDatasetOptions, source = "csvDataset"): CsvDataset => {
  const { target, features, dropNa = false, standardize, fillNa, oneHot, dummyNa = false } = options;
  requireColumns(source, table, [target, ...(features ?? [])]);
  const featureNames = features ?? table.columnNames().filter((n) => n !== target);
  const rows = dropNa ? dropMissing(table, { columns: [target, ...featureNames] }) : table;
  if (rows.numRows() === 0)
    throw new Error(`${source}: no data rows${table.numRows() > 0 ? ` left after dropping the ${table.numRows()} with missing values (dropNa)` : " (only a header)"}; a dataset needs at least one`);
  const targetValues = columnValues(rows, target);
  const missing = targetValues.findIndex(isNa);
  if (missing >= 0) throw new Error(`${source}: target column ${JSON.stringify(target)} is missing at row ${missing} (pass dropNa: true to drop such rows)`);

  let x = tableOf(featureNames.map((n) => [n, columnValues(rows, n)] as const));
  if (standardize !== undefined) x = standardizeColumns(x, standardize === true ? {} : { columns: standardize });
  if (fillNa !== undefined) x = fillMissing(x, fillNa, { columns: x.columnNames().filter((n) => isNumericColumn(x, n)) });
  if (oneHot !== undefined) x = getDummies(x, { ...(oneHot === true ? {} : { columns: oneHot }), dummyNa });

  const numericTarget = isNumericColumn(rows, target);
  const classes = numericTarget ? undefined : [...new Set(targetValues.map(String))].sort();
  const labels = numericTarget
    ? tensor(Float32Array.from(targetValues, Number), { shape: [targetValues.length, 1] })
    : tensor(Int32Array.from(targetValues, (v) => classes!.indexOf(String(v))), { dtype: "int32" });
  const featureTensor = tableToTensor(x);
  const length = labels.shape[0]!;
  return {
    length,
    features: featureTensor,
    labels,
    featureNames: x.columnNames(),
    ...(classes === undefined ? {} : { classes }),
    table: x,
    get: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= length) throw new Error(`${source}: index ${index} is out of range for ${length} rows`);
      return { input: select(featureTensor, 0, index), target: select(labels, 0, index) };
    },
  };
};

/**
 * Reads a CSV file into features and labels (see CsvDatasetOptions for the steps, applied in that order). Fails with
 * DatasetNotFound for a missing file and CorruptDataset naming the file for unknown columns or unconvertible cells.
 * @example
 * const train = await Effect.runPromise(loadCsvDataset("kaggle_house_train.csv", {
 *   target: "SalePrice", standardize: true, fillNa: 0, oneHot: true, dummyNa: true,
 * }));
 */
export const loadCsvDataset = (path: string, options: CsvDatasetOptions): Effect.Effect<CsvDataset, DatasetNotFound | CorruptDataset | FileSystemError> =>
  Effect.gen(function* () {
    const table = yield* loadCsv(path, options);
    return yield* Effect.try({
      try: () => tableDataset(table, options, path),
      catch: (e) => {
        const reason = e instanceof Error ? (e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message) : String(e);
        return new CorruptDataset({ file: path, reason, message: `${path}: ${reason}`, cause: e });
      },
    });
  });

/**
 * Promise form of loadCsvDataset.
 * @example
 * const data = await csvDataset("house_tiny.csv", { target: "Price", oneHot: ["Alley"], dummyNa: true, fillNa: 0 });
 * data.get(0); // { input: Tensor [d], target: Tensor [1] }
 */
export const csvDataset = (path: string, options: CsvDatasetOptions): Promise<CsvDataset> => Effect.runPromise(loadCsvDataset(path, options));
