// Standardising table columns to zero mean and unit standard deviation, as d2l's house-price example does with pandas.
import { columnValues, isNa, isNumericColumn, requireColumns, tableOf, type Table } from "./_tableColumns.js";

export interface StandardizeOptions {
  /** Columns to standardise; by default every numeric column. */
  readonly columns?: readonly string[];
  /** Bessel's correction: 1 divides by n - 1 (pandas' `.std()`, which d2l uses), 0 by n (the population std). */
  readonly correction?: number;
}

/**
 * Replaces each column x by (x - mean) / std, with mean and std over the values that are not missing (missing stay
 * missing; fill them afterwards with `fillNa(table, 0)`, which is the mean, as d2l does). A constant column becomes NaN
 * (0 / 0), as in pandas.
 * @example
 * standardize(table, { columns: ["LotArea"] });
 */
export const standardize = (table: Table, { columns, correction = 1 }: StandardizeOptions = {}): Table => {
  if (columns !== undefined) {
    requireColumns("standardize", table, columns);
    const text = columns.filter((n) => !isNumericColumn(table, n));
    if (text.length > 0) throw new Error(`standardize: column${text.length > 1 ? "s" : ""} ${text.map((n) => JSON.stringify(n)).join(", ")} not numeric (one-hot encode it with getDummies)`);
  }
  const chosen = new Set(columns ?? table.columnNames().filter((n) => isNumericColumn(table, n)));
  return tableOf(
    table.columnNames().map((name) => {
      const values = columnValues(table, name);
      if (!chosen.has(name)) return [name, values] as const;
      const present = values.filter((v) => !isNa(v)).map(Number);
      const mean = present.reduce((a, b) => a + b, 0) / present.length;
      const std = Math.sqrt(present.reduce((a, v) => a + (v - mean) ** 2, 0) / (present.length - correction));
      return [name, values.map((v) => (isNa(v) ? null : (Number(v) - mean) / std))] as const;
    }),
  );
};
