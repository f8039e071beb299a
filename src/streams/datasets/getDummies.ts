// pandas.get_dummies on an arquero table: categorical columns become one 0/1 indicator column per value.
import { columnValues, isNa, isNumericColumn, requireColumns, tableOf, type Cell, type Table } from "./_tableColumns.js";

export interface GetDummiesOptions {
  /** Columns to encode; by default every non-numeric column (pandas: object columns). */
  readonly columns?: readonly string[];
  /** Add a `<column>_nan` indicator for missing values (pandas' dummy_na). */
  readonly dummyNa?: boolean;
}

const byValue = (a: Cell, b: Cell): number =>
  typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;

/**
 * One-hot encodes columns as pandas.get_dummies: each encoded column is replaced by `<column>_<value>` columns (values
 * sorted) holding 1 or 0, placed after the columns left as they are; missing values are all zeros unless `dummyNa`.
 * @example
 * getDummies(parseCsv("Alley,Price\nPave,1\nNA,2\n"), { dummyNa: true }).columnNames(); // ["Price", "Alley_Pave", "Alley_nan"]
 */
export const getDummies = (table: Table, { columns, dummyNa = false }: GetDummiesOptions = {}): Table => {
  if (columns !== undefined) requireColumns("getDummies", table, columns);
  const encode = new Set(columns ?? table.columnNames().filter((n) => !isNumericColumn(table, n)));
  const kept = table.columnNames().filter((n) => !encode.has(n));
  const dummies = table.columnNames().filter((n) => encode.has(n)).flatMap((name) => {
    const values = columnValues(table, name);
    const categories = [...new Set(values.filter((v) => !isNa(v)))].sort(byValue);
    const indicators = categories.map((c) => [`${name}_${String(c)}`, values.map((v) => (v === c ? 1 : 0))] as const);
    return dummyNa ? [...indicators, [`${name}_nan`, values.map((v) => (isNa(v) ? 1 : 0))] as const] : indicators;
  });
  return tableOf([...kept.map((n) => [n, columnValues(table, n)] as const), ...dummies]);
};
