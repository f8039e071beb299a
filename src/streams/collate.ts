// Default collation (torch.utils.data.default_collate): a list of samples becomes one batch of the same structure.
import { Tensor } from "../ops/Tensor.js";
import { tensor } from "../ops/creation.js";
import { cpuDevice } from "../ops/device.js";
import { allocUninit } from "../ops/dtype.js";
import { stack } from "../ops/join.js";
import { sameShape, shapeStr } from "../ops/_shape.js";

/** What `defaultCollate` makes of a sample type: tensors and numbers become batch tensors, structures are kept. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : never;

const describe = (x: unknown): string =>
  x === null ? "null" : x instanceof Tensor ? `a ${x.dtype} tensor of shape ${shapeStr(x.shape)}` : Array.isArray(x) ? `an array of ${x.length}` : typeof x;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) && !ArrayBuffer.isView(x) && Object.getPrototypeOf(x) === Object.prototype;

/**
 * `stack(ts)` for CPU samples outside differentiation, as one copy of each sample's storage into the batch's array: a
 * batch is hundreds of small samples, and `stack` (a reshape per sample, then a concat of as many parts) cost several
 * milliseconds of a training loop's batch in collation alone. Null for anything else (other devices, tensors being
 * differentiated), which `stack` then handles.
 */
const stackOnCpu = (ts: readonly Tensor[]): Tensor | null => {
  const first = ts[0]!;
  if (ts.some((t) => t.device !== cpuDevice || t.requiresGrad)) return null;
  const read = cpuDevice.readSync!; // the storage itself (checked live), no copy
  const n = first.size;
  const batch = allocUninit(first.dtype, ts.length * n);
  for (let i = 0; i < ts.length; i++) batch.set(read.call(cpuDevice, ts[i]!.storage, first.dtype, n), i * n);
  return new Tensor(batch, [ts.length, ...first.shape], first.dtype, cpuDevice);
};

const collateAt = (xs: readonly unknown[], path: string): unknown => {
  const where = path || "the samples";
  const first = xs[0];
  const fail = (what: string): never => {
    throw new Error(`defaultCollate: ${where}: ${what}`);
  };
  const mismatch = xs.findIndex((x) => typeof x !== typeof first || Array.isArray(x) !== Array.isArray(first) || (x instanceof Tensor) !== (first instanceof Tensor));
  if (mismatch >= 0) fail(`sample 0 is ${describe(first)} but sample ${mismatch} is ${describe(xs[mismatch])}`);
  if (first instanceof Tensor) {
    const ts = xs as readonly Tensor[];
    const bad = ts.findIndex((t) => t.dtype !== first.dtype || !sameShape(t.shape, first.shape));
    if (bad >= 0) fail(`cannot stack ${describe(first)} (sample 0) with ${describe(ts[bad])} (sample ${bad}); resize or pad samples, or pass a collate function`);
    return stackOnCpu(ts) ?? stack(ts);
  }
  if (typeof first === "number") {
    // JavaScript cannot tell 1 from 1.0: integer values are class labels (int32, torch's int64), others float32.
    const nums = xs as readonly number[];
    return tensor(nums as number[], { dtype: nums.every(Number.isInteger) ? "int32" : "float32" });
  }
  if (typeof first === "boolean") return tensor(xs as boolean[], { dtype: "bool" });
  if (typeof first === "string") return [...(xs as string[])];
  if (Array.isArray(first)) {
    const bad = xs.findIndex((x) => (x as unknown[]).length !== first.length);
    if (bad >= 0) fail(`sample 0 has ${first.length} elements but sample ${bad} has ${(xs[bad] as unknown[]).length}`);
    return first.map((_, i) => collateAt(xs.map((x) => (x as unknown[])[i]), `${path}[${i}]`));
  }
  if (isRecord(first)) {
    const keys = Object.keys(first);
    const bad = xs.findIndex((x) => Object.keys(x as object).join("\0") !== keys.join("\0"));
    if (bad >= 0) fail(`sample 0 has keys {${keys.join(", ")}} but sample ${bad} has {${Object.keys(xs[bad] as object).join(", ")}}`);
    return Object.fromEntries(keys.map((k) => [k, collateAt(xs.map((x) => (x as Record<string, unknown>)[k]), path ? `${path}.${k}` : k)]));
  }
  return fail(`cannot collate ${ArrayBuffer.isView(first) ? (first as object).constructor.name : describe(first)} (accepted: tensors, numbers, booleans, strings, and arrays or plain records of them); convert it with a transform or pass a collate function`);
};

/**
 * Stacks a list of samples into a batch, recursively (torch's default_collate): tensors → stacked along a new
 * first axis; numbers → a 1-D tensor (int32 when all are integers, else float32); booleans → bool; strings → a
 * list; arrays and plain records → the same structure of collated fields.
 * @example
 * defaultCollate([{ input: x0, target: 3 }, { input: x1, target: 7 }]); // { input: Tensor[2, ...], target: tensor([3, 7]) int32 }
 */
export const defaultCollate = <T>(samples: readonly T[]): Collated<T> => {
  if (!Array.isArray(samples) || samples.length === 0) throw new Error(`defaultCollate: expected a non-empty array of samples, got ${describe(samples)}`);
  return collateAt(samples, "") as Collated<T>;
};
