// Flattening a metric value into one row of named scalars, as the JSONL/CSV sinks and run tables store it.
import { Tensor } from "../ops/Tensor.js";

/** A cell of a metric row. */
export type MetricCell = number | string | boolean | null;

/** One row of metrics: flat names (nested records joined with ".") to scalars. */
export type MetricRecord = Readonly<Record<string, MetricCell>>;

const isPlainRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !(x instanceof Date);

/**
 * Flattens `{ epoch: 1, train: { loss: t } }` into `{ epoch: 1, "train.loss": 0.5 }`. One-element tensors become numbers
 * (read synchronously, so CPU tensors only); undefined fields are dropped; anything else (arrays, larger tensors) is an
 * error naming the sink and the field, since a metric row holds scalars. `only` limits the row to the named fields.
 */
export const metricRecord = (sink: string, value: unknown, only?: readonly string[]): MetricRecord => {
  if (!isPlainRecord(value)) throw new Error(`${sink}: expected a record of metrics like { epoch: 1, loss: 0.5 }, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`);
  const out: Record<string, MetricCell> = {};
  // With `only`, fields no listed name needs (a training state riding along, say) are skipped, not checked.
  const wanted = (prefix: string): boolean => only === undefined || prefix === "" || only.some((f) => f === prefix || f.startsWith(`${prefix}.`));
  const visit = (prefix: string, v: unknown): void => {
    if (v === undefined || !wanted(prefix)) return;
    if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") out[prefix] = v;
    else if (v instanceof Date) out[prefix] = v.toISOString();
    else if (v instanceof Tensor) {
      if (v.size !== 1) throw new Error(`${sink}: field "${prefix}" is a tensor of shape [${v.shape.join(", ")}]; a metric must be a scalar (take .mean() or .item() first)`);
      if (!v.device.readSync) throw new Error(`${sink}: field "${prefix}" is a tensor on ${v.device.name}; read it with await t.item() before logging`);
      out[prefix] = v.item();
    } else if (isPlainRecord(v)) for (const [k, inner] of Object.entries(v)) visit(prefix === "" ? k : `${prefix}.${k}`, inner);
    else throw new Error(`${sink}: field "${prefix}" is ${Array.isArray(v) ? "an array" : typeof v}; a metric must be a number, string, boolean, null or a one-element tensor`);
  };
  visit("", value);
  return out;
};
