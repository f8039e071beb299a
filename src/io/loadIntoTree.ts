// Filling a params pytree from a state dict by name: PyTorch's load_state_dict, returning a new tree.
import { Tensor } from "../ops/Tensor.js";
import { cast } from "../ops/elementwise.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import { treeLeavesWithPaths, treeUnflatten } from "../graph/pytree.js";

export interface LoadIntoTreeOptions {
  /** Every name must match both ways (PyTorch's `strict=True`); otherwise missing and unexpected names are reported. */
  readonly strict?: boolean;
}

/** The filled tree and what did not match (always empty lists in strict mode, which throws instead). */
export interface LoadResult<T> {
  readonly tree: T;
  /** Names the template has but the state dict lacks; those leaves keep the template's tensors. */
  readonly missingKeys: readonly string[];
  /** Names the state dict has but the template lacks; ignored. */
  readonly unexpectedKeys: readonly string[];
}

const quoteAll = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(", ");

/**
 * Returns `template` with each tensor replaced by the state dict's tensor of the same dotted name (cast to the
 * template leaf's dtype, as PyTorch's `copy_` does). Shape mismatches always throw, as in PyTorch (even with
 * `strict: false`); missing or unexpected names throw in strict mode and are returned otherwise.
 * @example
 * const { tree: params } = loadIntoTree(initParams, await loadFile("mlp.safetensors"));
 */
export const loadIntoTree = <T>(template: T, record: Readonly<Record<string, Tensor>>, { strict = true }: LoadIntoTreeOptions = {}): LoadResult<T> => {
  if (typeof record !== "object" || record === null || Array.isArray(record) || record instanceof Tensor)
    throw new Error(`loadIntoTree: expected a state dict (a record of tensors by name), got ${record === null ? "null" : Array.isArray(record) ? "an array" : typeof record}`);
  const leaves = treeLeavesWithPaths(template);
  const wanted = new Set(leaves.map((l) => l.path));
  const missingKeys: string[] = [];
  const mismatches: string[] = [];
  const filled = leaves.map(({ path, tensor }) => {
    if (!Object.hasOwn(record, path)) {
      missingKeys.push(path);
      return tensor;
    }
    const found: unknown = record[path];
    if (!(found instanceof Tensor)) throw new Error(`loadIntoTree: state dict entry "${path}" is ${typeof found}, not a Tensor`);
    if (!sameShape(found.shape, tensor.shape)) {
      mismatches.push(`size mismatch for "${path}": the state dict has shape ${shapeStr(found.shape)}, the tree expects ${shapeStr(tensor.shape)}`);
      return tensor;
    }
    return cast(found, tensor.dtype);
  });
  const unexpectedKeys = Object.keys(record).filter((k) => !wanted.has(k));
  const problems = [
    ...(strict && missingKeys.length ? [`missing keys: ${quoteAll(missingKeys)}`] : []),
    ...(strict && unexpectedKeys.length ? [`unexpected keys: ${quoteAll(unexpectedKeys)}`] : []),
    ...mismatches,
  ];
  if (problems.length) throw new Error(`loadIntoTree: error(s) loading the state dict:\n  ${problems.join("\n  ")}`);
  return { tree: treeUnflatten(template, filled), missingKeys, unexpectedKeys };
};
