// pandas' fillna on an arquero table: missing cells (null, undefined, NaN) replaced by a value.
import { columnValues, isNa, requireColumns, tableOf, type Cell, type Table } from "./_tableColumns.js";

/**
 * Replaces missing cells by `value` in `columns` (all columns by default).
 * @example
 * fillNa(standardize(table), 0); // d2l: after standardising, missing numbers become the mean, 0
 */
export const fillNa = (table: Table, value: number | string, { columns }: { readonly columns?: readonly string[] } = {}): Table => {
  if (columns !== undefined) requireColumns("fillNa", table, columns);
  const chosen = new Set(columns ?? table.columnNames());
  return tableOf(
    table.columnNames().map((name) => {
      const values = columnValues(table, name);
      return [name, chosen.has(name) ? values.map((v): Cell => (isNa(v) ? value : v)) : values] as const;
    }),
  );
};
