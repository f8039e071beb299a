// Parameter groups: different optimizers or settings for different leaves, chosen by path (torch's param_groups, Optax's multi_transform).
import type { Tensor } from "../ops/Tensor.js";
import { treeLeavesWithPaths, treeUnflatten, type PathLeaf } from "../graph/pytree.js";
import type { GradientTransformation, StateOf } from "./GradientTransformation.js";
import { describeValue, leavesLike } from "./_optimizer.js";

/**
 * Which leaves a group holds: a glob over the dotted path (`*` any run of characters, `?` one character, as Python's fnmatch),
 * a regular expression tested against the path, or a predicate of the path and the param.
 */
export type Selector = string | RegExp | ((path: string, param: Tensor) => boolean);

/** One group: the leaves it selects and the transformation applied to them. */
export interface ParamGroup<S = unknown> {
  readonly select: Selector;
  readonly optimizer: GradientTransformation<S>;
}

const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");

const matcher = (select: Selector, index: number): ((path: string, param: Tensor) => boolean) => {
  if (typeof select === "function") return select;
  if (select instanceof RegExp) return (path) => { select.lastIndex = 0; return select.test(path); };
  if (typeof select === "string") { const re = globToRegExp(select); return (path) => re.test(path); }
  throw new Error(`paramGroups: group ${index}'s select must be a glob string, a RegExp or a function, got ${describeValue(select)}`);
};

/** The group of each leaf; throws naming the leaves in no group or in several. */
const partition = (leaves: readonly PathLeaf[], matchers: readonly ((path: string, param: Tensor) => boolean)[]): number[] => {
  const unmatched: string[] = [];
  const multiple: string[] = [];
  const owner = leaves.map(({ path, tensor }) => {
    const hits = matchers.flatMap((m, g) => (m(path, tensor) ? [g] : []));
    if (hits.length === 0) unmatched.push(path || "(root)");
    if (hits.length > 1) multiple.push(`${path || "(root)"} (groups ${hits.join(", ")})`);
    return hits[0] ?? -1;
  });
  if (unmatched.length || multiple.length) {
    const parts = [unmatched.length ? `in no group: ${unmatched.join(", ")}` : "", multiple.length ? `in several groups: ${multiple.join(", ")}` : ""];
    throw new Error(`paramGroups: every param must belong to exactly one group; ${parts.filter(Boolean).join("; ")}`);
  }
  return owner;
};

/** A flat record path → tensor of the leaves at `idx`: the sub-tree a group's optimizer sees. */
const subTree = (leaves: readonly Tensor[], paths: readonly string[], idx: readonly number[]): Record<string, Tensor> =>
  Object.fromEntries(idx.map((i) => [paths[i]!, leaves[i]!]));

/**
 * Applies each group's transformation to the leaves it selects (chosen on the params), the groups' states kept side by side.
 * Each group's optimizer sees a flat record keyed by the full dotted paths; a per-call lr override reaches every group.
 * @example
 * // weight decay on weights only, as torch.optim.SGD([{ params: weights, weight_decay: wd }, { params: biases }])
 * const opt = paramGroups([
 *   { select: "*.weight", optimizer: sgd({ lr, weightDecay: wd }) },
 *   { select: "*.bias", optimizer: sgd({ lr }) },
 * ]);
 */
export const paramGroups = <const Gs extends readonly ParamGroup[]>(
  groups: Gs,
): GradientTransformation<{ readonly [K in keyof Gs]: StateOf<Gs[K]["optimizer"]> }> => {
  type States = { readonly [K in keyof Gs]: StateOf<Gs[K]["optimizer"]> };
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`paramGroups: needs a non-empty array of groups, got ${describeValue(groups)}`);
  const matchers = groups.map((g, i) => matcher(g.select, i));
  const members = (owner: readonly number[], g: number): number[] => owner.flatMap((o, i) => (o === g ? [i] : []));
  return {
    init: (params) => {
      const leaves = treeLeavesWithPaths(params);
      const owner = partition(leaves, matchers);
      const tensors = leaves.map((l) => l.tensor);
      const paths = leaves.map((l) => l.path);
      return Object.freeze(groups.map((g, k) => g.optimizer.init(subTree(tensors, paths, members(owner, k))))) as unknown as States;
    },
    update: (grads, state, params, opts) => {
      const states = state as readonly unknown[];
      if (!Array.isArray(states) || states.length !== groups.length)
        throw new Error(`paramGroups: state must be an array of ${groups.length} states (one per group, from paramGroups(...).init), got ${describeValue(state)}`);
      const pleaves = treeLeavesWithPaths(params);
      const gs = leavesLike("paramGroups", "grads", grads, pleaves, "params");
      const ps = pleaves.map((l) => l.tensor);
      const paths = pleaves.map((l) => l.path);
      const owner = partition(pleaves, matchers);
      const out: Tensor[] = new Array<Tensor>(ps.length);
      const next = groups.map((g, k) => {
        const idx = members(owner, k);
        const r = g.optimizer.update(subTree(gs, paths, idx), states[k], subTree(ps, paths, idx), opts);
        const byPath = new Map(treeLeavesWithPaths(r.updates).map((l) => [l.path, l.tensor]));
        for (const i of idx) {
          const u = byPath.get(paths[i]!);
          if (!u) throw new Error(`paramGroups: group ${k}'s optimizer returned no update for ${paths[i]}`);
          out[i] = u;
        }
        return r.state;
      });
      return { updates: treeUnflatten(grads, out), state: Object.freeze(next) as unknown as States };
    },
  };
};
