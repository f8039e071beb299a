// State dicts: a pytree flattened to PyTorch's dotted names (`features.0.weight`) and rebuilt from them.
import { Tensor } from "../ops/Tensor.js";
import { treeLeavesWithPaths, type PyTree } from "../graph/pytree.js";

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/** Record keys that would make names ambiguous: "" and anything containing "." (PyTorch forbids both in module names). */
const checkKeys = (x: unknown, path: string): void => {
  if (Array.isArray(x)) x.forEach((v, i) => checkKeys(v, path ? `${path}.${i}` : String(i)));
  else if (isRecord(x))
    for (const [k, v] of Object.entries(x)) {
      if (k === "" || k.includes("."))
        throw new Error(`flattenStateDict: key ${JSON.stringify(k)}${path ? ` under "${path}"` : ""} cannot be part of a dotted name (empty, or contains ".")`);
      checkKeys(v, path ? `${path}.${k}` : k);
    }
};

/**
 * A pytree's tensors by PyTorch state_dict name: record keys and array indices joined by "." (`features.0.weight`).
 * A lone tensor is named "" (the root path); non-tensor leaves are skipped, as everywhere in pytrees.
 * @example
 * flattenStateDict({ hidden: { weight, bias } }); // { "hidden.weight": weight, "hidden.bias": bias }
 */
export const flattenStateDict = (tree: object): Record<string, Tensor> => {
  checkKeys(tree, "");
  return Object.fromEntries(treeLeavesWithPaths(tree).map((l) => [l.path, l.tensor]));
};

type Node = Tensor | Map<string, Node>;

const isIndexRun = (keys: readonly string[]): boolean => keys.every((k, i) => k === String(i));

const build = (node: Node): PyTree => {
  if (node instanceof Tensor) return node;
  const keys = [...node.keys()];
  // Children named exactly 0..n-1 were an array (a list or sequential in PyTorch terms).
  const sorted = [...keys].sort((a, b) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length > 0 && isIndexRun(sorted)) return sorted.map((k) => build(node.get(k)!));
  return Object.fromEntries(keys.map((k) => [k, build(node.get(k)!)]));
};

/**
 * Rebuilds nested records from dotted names, the inverse of flattenStateDict. The rule: split names at ".";
 * a level whose keys are exactly "0".."n-1" becomes an array, any other level a record; the single name ""
 * is a lone tensor. This round-trips everything flattenStateDict produces except records keyed exactly
 * "0".."n-1" (they come back as arrays) and subtrees without tensors (they vanish). To restore an exact
 * structure, fill a template with loadIntoTree instead.
 * @example
 * unflattenStateDict({ "0.weight": w, "0.bias": b }); // [{ weight: w, bias: b }]
 */
export const unflattenStateDict = (record: Readonly<Record<string, Tensor>>): PyTree => {
  const names = Object.keys(record);
  for (const name of names)
    if (!(record[name] instanceof Tensor)) throw new Error(`unflattenStateDict: "${name}" is not a Tensor`);
  if (names.length === 1 && names[0] === "") return record[""]!;
  const root = new Map<string, Node>();
  for (const name of names) {
    const parts = name.split(".");
    if (parts.includes("")) throw new Error(`unflattenStateDict: name ${JSON.stringify(name)} has an empty part (a leading, trailing or doubled ".")`);
    let level = root;
    parts.forEach((part, i) => {
      const prefix = parts.slice(0, i + 1).join(".");
      const existing = level.get(part);
      if (i === parts.length - 1) {
        if (existing) throw new Error(`unflattenStateDict: "${name}" is a tensor, but other names continue it ("${name}.…")`);
        level.set(part, record[name]!);
      } else if (existing instanceof Tensor) {
        throw new Error(`unflattenStateDict: "${prefix}" is a tensor, but "${name}" continues it`);
      } else {
        const next = existing ?? new Map<string, Node>();
        level.set(part, next);
        level = next;
      }
    });
  }
  return build(root);
};
