// Shared plumbing of the optimizers: option checks, learning-rate resolution, and aligning grads with params and state leaf by leaf.
import { Tensor } from "../ops/Tensor.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import { treeLeavesWithPaths, type PathLeaf } from "../graph/pytree.js";
import type { UpdateOptions } from "./GradientTransformation.js";
import type { LearningRate } from "./schedules.js";

/** Throws `<name>: <field> must be <expected>, got <value>` unless `ok`. */
export const checkOption = (name: string, field: string, value: unknown, ok: boolean, expected: string): void => {
  if (!ok) throw new Error(`${name}: ${field} must be ${expected}, got ${describeValue(value)}`);
};

/** Checks a finite number ≥ 0 (PyTorch's `Invalid ... value` checks). */
export const nonNegative = (name: string, field: string, value: number): void =>
  checkOption(name, field, value, typeof value === "number" && Number.isFinite(value) && value >= 0, "a non-negative number");

/** Checks a constant learning rate, or that a schedule is a function. */
export const checkLr = (name: string, lr: LearningRate): void => {
  if (typeof lr === "function") return;
  nonNegative(name, "lr", lr);
};

/** The learning rate for this update: the per-call override, else the schedule at the step count, else the constant. */
export const lrAt = (name: string, lr: LearningRate, count: number, opts: UpdateOptions | undefined): number => {
  const override = opts?.lr;
  const value = override ?? (typeof lr === "function" ? lr(count) : lr);
  const source = override !== undefined ? " (per-call override)" : typeof lr === "function" ? ` (schedule at step ${count})` : "";
  if (!(typeof value === "number" && Number.isFinite(value) && value >= 0))
    throw new Error(`${name}: lr must be a non-negative number, got ${describeValue(value)}${source}`);
  return value;
};

/** Checks that the state has a numeric step count, i.e. that it came from this optimizer's init. */
export const checkCount = (name: string, state: unknown): number => {
  const count = (state as { count?: unknown } | null)?.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0)
    throw new Error(`${name}: state must come from ${name}(...).init(params) (a record with a step count), got ${describeValue(state)}`);
  return count;
};

/**
 * The tensors of `tree`, checked to have the same paths (in order) and shapes as `ref` (the grads' leaves),
 * so that a state or params tree from another model fails loudly instead of being zipped wrongly.
 */
export const leavesLike = (name: string, what: string, tree: unknown, ref: readonly PathLeaf[], refName = "grads"): Tensor[] => {
  const leaves = treeLeavesWithPaths(tree);
  if (leaves.length !== ref.length || leaves.some((l, i) => l.path !== ref[i]!.path))
    throw new Error(`${name}: ${what} and ${refName} differ in structure: ${diffPaths(ref, leaves, refName, what)}`);
  leaves.forEach((l, i) => {
    if (!sameShape(l.tensor.shape, ref[i]!.tensor.shape))
      throw new Error(`${name}: ${what} leaf ${l.path || "(root)"} has shape ${shapeStr(l.tensor.shape)} but in ${refName} it has shape ${shapeStr(ref[i]!.tensor.shape)}`);
  });
  return leaves.map((l) => l.tensor);
};

const diffPaths = (ref: readonly PathLeaf[], other: readonly PathLeaf[], refName: string, what: string): string => {
  const r = new Set(ref.map((l) => l.path));
  const o = new Set(other.map((l) => l.path));
  const onlyR = ref.filter((l) => !o.has(l.path)).map((l) => l.path);
  const onlyO = other.filter((l) => !r.has(l.path)).map((l) => l.path);
  const list = (ps: string[]): string => (ps.length ? ps.slice(0, 5).map((p) => p || "(root)").join(", ") + (ps.length > 5 ? `, … (${ps.length})` : "") : "none");
  if (onlyR.length || onlyO.length)
    return `${refName} has ${ref.length} leaves, ${what} ${other.length}; only in ${refName}: ${list(onlyR)}; only in ${what}: ${list(onlyO)}`;
  return `the same ${ref.length} paths in a different order (${refName}: ${list(ref.map((l) => l.path))}; ${what}: ${list(other.map((l) => l.path))})`;
};

/** A short description of an offending value for error messages. */
export const describeValue = (v: unknown): string => {
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (v instanceof Tensor) return `a ${v.dtype} tensor of shape ${shapeStr(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `an object with keys [${Object.keys(v as object).slice(0, 5).join(", ")}]`;
};
