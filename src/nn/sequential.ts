// Sequential: children "0", "1", … applied in order, with PyTorch's indexing, slicing, item assignment and add_module as one-liners returning new models.
import type { Tensor } from "../ops/Tensor.js";
import type { Module, NamedChild } from "./Module.js";
import { buildModule } from "./_runtime.js";

/** A module from tensor to tensor: what a Sequential chains. */
export type Layer = Module<Tensor, Tensor>;

/** A Sequential container (torch.nn.Sequential); every "modification" returns a new one. */
export interface Sequential extends Layer {
  /** Number of children (len(seq)). */
  readonly length: number;
  /** Child `index` (negative counts from the end), as seq[i]. */
  at(index: number): Layer;
  /** Children start..end-1 as a new Sequential keeping their names, as seq[start:end]. */
  slice(start?: number, end?: number): Sequential;
  /** Child `index` replaced (same name), as `seq[i] = layer`. */
  set(index: number, layer: Layer): Sequential;
  /** `layer` under `name`: replacing the child of that name in place, or appended (add_module). */
  addModule(name: string, layer: Layer): Sequential;
  /** `layer` appended under the name String(length), as PyTorch's append. */
  append(layer: Layer): Sequential;
  withChildren(children: readonly NamedChild[]): Sequential;
}

type Entry = readonly [string, Layer];

const build = (entries: readonly Entry[]): Sequential => {
  const names = entries.map(([n]) => n);
  const index = (op: string, i: number): number => {
    const n = entries.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`Sequential.${op}: index ${i} is out of range for ${n} children`);
    return i < 0 ? i + n : i;
  };
  return buildModule<Tensor, Tensor, Omit<Sequential, keyof Layer>>(
    {
      kind: "Sequential",
      config: {},
      extraRepr: "",
      children: entries,
      paramSpecs: {},
      stateSpecs: {},
      body: (ctx, x) => names.reduce((h, n) => (ctx.children[n] as (x: Tensor) => Tensor)(h), x),
    },
    (next) => build(next as readonly Entry[]),
    () => ({
      length: entries.length,
      at: (i: number) => entries[index("at", i)]![1],
      slice: (start?: number, end?: number) => build(entries.slice(start, end)),
      set: (i: number, layer: Layer) => {
        const k = index("set", i);
        return build(entries.map((e, j) => (j === k ? [e[0], layer] : e)));
      },
      addModule: (name: string, layer: Layer) => {
        if (typeof name !== "string") throw new Error(`Sequential.addModule: module name must be a string, got ${typeof name}`);
        return names.includes(name) ? build(entries.map((e) => (e[0] === name ? [name, layer] : e))) : build([...entries, [name, layer]]);
      },
      // PyTorch names the new child str(len(self)); after slicing that name may exist and is then replaced, as in PyTorch.
      append: (layer: Layer) => {
        const name = String(entries.length);
        return names.includes(name) ? build(entries.map((e) => (e[0] === name ? [name, layer] : e))) : build([...entries, [name, layer]]);
      },
    }),
  ) as Sequential;
};

/**
 * Chains layers (torch.nn.Sequential): children are named "0", "1", … or given as [name, layer] pairs (an OrderedDict).
 * @example
 * const net = nn.sequential([nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu(), nn.linear({ inFeatures: 8, outFeatures: 1 })]);
 * const head = net.set(2, nn.linear({ inFeatures: 8, outFeatures: 10 })); // net[2] = Linear(8, 10)
 */
export const sequential = (layers: readonly Layer[] | readonly Entry[] = []): Sequential => {
  if (!Array.isArray(layers)) throw new Error(`Sequential: expected an array of layers or of [name, layer] pairs, got ${typeof layers}`);
  return build((layers as readonly (Layer | Entry)[]).map((l, i): Entry => (Array.isArray(l) ? [(l as Entry)[0], (l as Entry)[1]] : [String(i), l as Layer])));
};
