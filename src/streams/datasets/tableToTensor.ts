// An arquero table's numeric columns as a [rows, columns] tensor (d2l's `torch.tensor(df.values)`).
import type { Tensor } from "../../ops/Tensor.js";
import { tensor } from "../../ops/creation.js";
import type { DType } from "../../ops/dtype.js";
import { columnValues, isNa, requireColumns, type Table } from "./_tableColumns.js";

export interface TableToTensorOptions {
  /** Columns, in this order; all by default. */
  readonly columns?: readonly string[];
  readonly dtype?: DType;
}

/**
 * Converts columns to a [rows, columns] tensor. Every cell must be a number or a boolean (1/0): a text or missing cell
 * throws naming its column, row and value (encode with getDummies, fill or drop missing values first).
 * @example
 * const features = tableToTensor(getDummies(fillNa(standardize(table), 0)));
 */
export const tableToTensor = (table: Table, { columns, dtype = "float32" }: TableToTensorOptions = {}): Tensor => {
  if (columns !== undefined) requireColumns("tableToTensor", table, columns);
  const names = columns ?? table.columnNames();
  const rows = table.numRows();
  const out = new Float64Array(rows * names.length);
  names.forEach((name, c) => {
    columnValues(table, name).forEach((v, r) => {
      if (typeof v === "boolean") out[r * names.length + c] = v ? 1 : 0;
      else if (typeof v === "number" && !Number.isNaN(v)) out[r * names.length + c] = v;
      else
        throw new Error(
          `tableToTensor: column ${JSON.stringify(name)} row ${r} is ${isNa(v) ? "missing" : `the text ${JSON.stringify(v)}`}; ${isNa(v) ? "fill (fillNa) or drop (dropNa) missing values" : "one-hot encode text columns (getDummies)"} first`,
        );
    });
  });
  return tensor(dtype === "float32" ? Float32Array.from(out) : dtype === "int32" ? Int32Array.from(out) : Uint8Array.from(out, (v) => (v !== 0 ? 1 : 0)), {
    shape: [rows, names.length],
    dtype,
  });
};
