// Pytrees: nested records and arrays whose leaves are tensors (JAX's tree utilities). Params, grads and optimizer state are pytrees.
import { Tensor } from "../ops/Tensor.js";

/** A nested structure of tensors: tensors, arrays of pytrees, or string-keyed records of pytrees. */
export type PyTree = Tensor | readonly PyTree[] | { readonly [key: string]: PyTree };

/** A leaf with its path, e.g. `features.0.weight` (PyTorch's state_dict naming). */
export interface PathLeaf {
  readonly path: string;
  readonly tensor: Tensor;
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/** The tensors of a pytree with their dotted paths, in a deterministic (key insertion) order. */
export const treeLeavesWithPaths = (tree: unknown, prefix = ""): PathLeaf[] => {
  const out: PathLeaf[] = [];
  const walk = (x: unknown, path: string): void => {
    if (x instanceof Tensor) out.push({ path, tensor: x });
    else if (Array.isArray(x)) x.forEach((v, i) => walk(v, path ? `${path}.${i}` : String(i)));
    else if (isRecord(x)) for (const [k, v] of Object.entries(x)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(tree, prefix);
  return out;
};

/** The tensors of a pytree in order. */
export const treeLeaves = (tree: unknown): Tensor[] => treeLeavesWithPaths(tree).map((l) => l.tensor);

/** Rebuilds `tree` with its tensors replaced, in order, by `leaves` (non-tensor leaves are kept). */
export const treeUnflatten = <T>(tree: T, leaves: readonly Tensor[]): T => {
  let i = 0;
  const build = (x: unknown): unknown => {
    if (x instanceof Tensor) {
      if (i >= leaves.length) throw new Error(`treeUnflatten: too few leaves (${leaves.length}) for the tree`);
      return leaves[i++];
    }
    if (Array.isArray(x)) return x.map(build);
    if (isRecord(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, build(v)]));
    return x;
  };
  const out = build(tree) as T;
  if (i !== leaves.length) throw new Error(`treeUnflatten: ${leaves.length} leaves given for a tree with ${i}`);
  return out;
};

/**
 * Applies `f` to every tensor of one or more pytrees of the same structure.
 * @example
 * treeMap((p, g) => p.sub(g.mul(0.1)), params, grads);
 */
export const treeMap = <T>(f: (...xs: Tensor[]) => Tensor, tree: T, ...rest: readonly T[]): T => {
  const first = treeLeavesWithPaths(tree);
  const others = rest.map((r) => treeLeavesWithPaths(r));
  for (const o of others)
    if (o.length !== first.length || o.some((l, i) => l.path !== first[i]!.path))
      throw new Error(`treeMap: trees differ in structure (${first.length} leaves vs ${o.length}; first paths ${first.map((l) => l.path).slice(0, 3).join(", ")})`);
  return treeUnflatten(tree, first.map((l, i) => f(l.tensor, ...others.map((o) => o[i]!.tensor))));
};
