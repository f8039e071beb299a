// Private helpers for the arquero table functions: checked column access, missing values, numeric columns.
import * as aq from "arquero";
import type { ColumnTable } from "arquero";

export type Table = ColumnTable;
/** A cell of a table: what CSV parsing and the table functions produce. */
export type Cell = number | string | boolean | null | undefined;

/** Missing: null, undefined or NaN (pandas' notion of NA). */
export const isNa = (v: unknown): boolean => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));

/** Throws naming `op`, the unknown columns and the table's columns, unless every name is a column. */
export const requireColumns = (op: string, table: Table, names: readonly string[]): void => {
  const have = table.columnNames();
  const unknown = names.filter((n) => !have.includes(n));
  if (unknown.length > 0)
    throw new Error(`${op}: unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => JSON.stringify(n)).join(", ")}; the table has ${have.map((n) => JSON.stringify(n)).join(", ")}`);
};

/** The values of a column, in row order, as a plain array. */
export const columnValues = (table: Table, name: string): Cell[] => Array.from(table.array(name) as ArrayLike<Cell>);

/** A column is numeric when every value that is not missing is a number (or a boolean). */
export const isNumericColumn = (table: Table, name: string): boolean =>
  columnValues(table, name).every((v) => isNa(v) || typeof v === "number" || typeof v === "boolean");

/** A new table from named columns, in the given order. */
export const tableOf = (columns: readonly (readonly [string, readonly Cell[]])[]): Table =>
  aq.table(Object.fromEntries(columns.map(([n, v]) => [n, [...v]])), columns.map(([n]) => n)) as Table;
