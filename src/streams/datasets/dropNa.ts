// pandas' dropna on an arquero table: rows with a missing cell removed.
import { columnValues, isNa, requireColumns, tableOf, type Table } from "./_tableColumns.js";

/**
 * Keeps the rows with no missing cell (null, undefined, NaN) in `columns` (all columns by default).
 * @example
 * dropNa(table, { columns: ["Price"] });
 */
export const dropNa = (table: Table, { columns }: { readonly columns?: readonly string[] } = {}): Table => {
  if (columns !== undefined) requireColumns("dropNa", table, columns);
  const names = table.columnNames();
  const checked = (columns ?? names).map((n) => columnValues(table, n));
  const keep = Array.from({ length: table.numRows() }, (_, r) => r).filter((r) => checked.every((col) => !isNa(col[r])));
  return tableOf(names.map((name) => {
    const values = columnValues(table, name);
    return [name, keep.map((r) => values[r])] as const;
  }));
};
