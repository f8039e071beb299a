// A pytree ↔ safetensors codec: every tensor under its dotted path, everything else as a JSON skeleton referring to them.
import { Tensor } from "../ops/Tensor.js";
import { checkpointError } from "./CheckpointError.js";

/**
 * The non-tensor part of a tree, as JSON: tensors as `{ $t: name }`, records as `{ $r: {...} }`, non-finite numbers
 * as `{ $n: "NaN" | "Infinity" | "-Infinity" }` (JSON has none); null, booleans, finite numbers, strings and arrays as themselves.
 */
export type Skeleton =
  | null | boolean | number | string | readonly Skeleton[]
  | { readonly $t: string } | { readonly $n: "NaN" | "Infinity" | "-Infinity" } | { readonly $r: { readonly [k: string]: Skeleton } };

/** A tree as safetensors content: its tensors by name and the skeleton that puts them back in place. */
export interface EncodedTree {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly skeleton: Skeleton;
}

/** Deeper skeletons are refused rather than walked (a hostile header must not overflow the stack). */
const MAX_DEPTH = 256;

const isPlainRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor) &&
  (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

const join = (path: string, k: string): string => (path ? `${path}.${k}` : k);

export interface EncodeTreeOptions {
  /** Names the tensors start with (`"optState"` names `optState.m.fc.weight`); default none. */
  readonly prefix?: string;
  /** Names already used in the file; a clash gets `~2`, `~3`, … appended. */
  readonly taken?: ReadonlySet<string>;
  /** The file, for errors. */
  readonly file?: string;
}

/**
 * Splits a tree into tensors (named by their dotted paths) and a JSON skeleton; tensors are kept as they are (bit for
 * bit). Accepted leaves: tensors, numbers, strings, booleans, null; containers: arrays and plain records (an undefined
 * field is left out). Anything else is a CheckpointError naming its path.
 * @example
 * const { tensors, skeleton } = encodeTree({ step: 3, m: { w: zeros([2]) } }); // tensors["m.w"], skeleton { $r: { step: 3, m: { $r: { w: { $t: "m.w" } } } } }
 */
export const encodeTree = (tree: unknown, { prefix = "", taken = new Set(), file = "<checkpoint>" }: EncodeTreeOptions = {}): EncodedTree => {
  const tensors: Record<string, Tensor> = {};
  const walk = (x: unknown, path: string, depth: number): Skeleton => {
    const at = join(prefix, path) || "the tree";
    if (depth > MAX_DEPTH) throw checkpointError(file, `${file}: ${at} is nested deeper than ${MAX_DEPTH} levels`);
    if (x instanceof Tensor) {
      const base = join(prefix, path) || "tensor";
      let name = base;
      for (let i = 2; name in tensors || taken.has(name); i++) name = `${base}~${i}`;
      tensors[name] = x;
      return { $t: name };
    }
    if (typeof x === "number") return Number.isFinite(x) ? (Object.is(x, -0) ? 0 : x) : { $n: String(x) as "NaN" | "Infinity" | "-Infinity" };
    if (x === null || typeof x === "boolean" || typeof x === "string") return x;
    if (Array.isArray(x)) return x.map((v, i) => walk(v, join(path, String(i)), depth + 1));
    if (isPlainRecord(x))
      return { $r: Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => [k, walk(v, join(path, k), depth + 1)])) };
    const what = typeof x === "object" ? ((x as object).constructor?.name ?? "object") : typeof x;
    throw checkpointError(file, `${file}: cannot save ${at}: ${what} (accepted: tensors, numbers, strings, booleans, null, arrays and plain records)`);
  };
  const skeleton = walk(tree, "", 0);
  return { tensors, skeleton };
};

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

export interface DecodeTreeOptions {
  /** The file, for errors. */
  readonly file?: string;
  /** The skeleton's name in errors (`field state.optState.m`); default "tree". */
  readonly root?: string;
  /** Receives the name of every tensor the skeleton refers to (to find tensors nothing refers to). */
  readonly used?: Set<string>;
}

/**
 * The tree `encodeTree` split, rebuilt from its skeleton (any JSON value, checked field by field) and the file's tensors.
 * Arrays and records come back frozen. A malformed skeleton or a missing tensor is a CheckpointError naming the field.
 * @example
 * const tree = decodeTree(skeleton, tensors, { file: "ckpt.safetensors" });
 */
export const decodeTree = (skeleton: unknown, tensors: Readonly<Record<string, Tensor>>, { file = "<checkpoint>", root = "tree", used }: DecodeTreeOptions = {}): unknown => {
  const bad = (path: string, what: string): never => {
    throw checkpointError(file, `${file}: field ${path}: ${what}`);
  };
  const build = (s: unknown, path: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) return bad(path, `nested deeper than ${MAX_DEPTH} levels`);
    if (s === null || typeof s === "boolean" || typeof s === "string") return s;
    if (typeof s === "number") return Number.isFinite(s) ? s : bad(path, `expected a finite number, got ${show(s)}`);
    if (Array.isArray(s)) return Object.freeze(s.map((v, i) => build(v, `${path}.${i}`, depth + 1)));
    if (typeof s !== "object") return bad(path, `expected a JSON value, got ${typeof s}`);
    const keys = Object.keys(s);
    const only = keys.length === 1 ? keys[0] : undefined;
    const v = only === undefined ? undefined : (s as Record<string, unknown>)[only];
    if (only === "$t") {
      if (typeof v !== "string") return bad(path, `expected a tensor name { $t: string }, got ${show(s)}`);
      if (!Object.prototype.hasOwnProperty.call(tensors, v)) return bad(path, `refers to tensor "${v}", which the file does not hold`);
      used?.add(v);
      return tensors[v];
    }
    if (only === "$n") {
      if (v === "NaN" || v === "Infinity" || v === "-Infinity") return Number(v);
      return bad(path, `expected "NaN", "Infinity" or "-Infinity" in { $n }, got ${show(v)}`);
    }
    if (only === "$r") {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return bad(path, `expected a record { $r: {...} }, got ${show(s)}`);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: build(x, `${path}.${k}`, depth + 1), enumerable: true });
      return Object.freeze(out);
    }
    return bad(path, `expected a value, an array, { $t }, { $n } or { $r }, got ${show(s)}`);
  };
  return build(skeleton, root, 0);
};
