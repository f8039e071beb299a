// Model surgery on values (Equinox's tree_at): find, replace or add sub-modules by path, and carry variables over to the new model.
import { Tensor } from "../ops/Tensor.js";
import type { Key } from "../ops/random.js";
import type { AnyModule, Module, NamedChild, Variables } from "./Module.js";
import type { Sequential } from "./sequential.js";
import { initVariables, lookup, ownerPaths, type OwnVariables } from "./_runtime.js";

/**
 * Every module with its path, pre-order, each once (a shared layer under its first path), as named_modules().
 * @example
 * nn.namedModules(model).filter(([, m]) => m.kind === "Linear");
 */
export const namedModules = <I, O>(model: Module<I, O>): [string, AnyModule][] => [...ownerPaths(model as unknown as AnyModule)].map(([m, p]) => [p, m]);

const segments = (path: string): string[] => (path === "" ? [] : path.split("."));

const childOf = (op: string, node: AnyModule, name: string, at: string): AnyModule => {
  const found = node.children.find(([n]) => n === name);
  if (!found)
    throw new Error(`${op}: ${node.kind}${at ? ` at "${at}"` : ""} has no child "${name}" (children: ${node.children.map(([n]) => n).join(", ") || "none"})`);
  return found[1];
};

/**
 * The sub-module at a dotted path ("" is the model itself), as get_submodule().
 * @example
 * nn.getModule(vgg, "classifier.6"); // Linear(in_features=4096, out_features=1000, bias=True)
 */
export const getModule = <I, O>(model: Module<I, O>, path: string): AnyModule => {
  let node = model as unknown as AnyModule;
  let at = "";
  for (const seg of segments(path)) {
    node = childOf("getModule", node, seg, at);
    at = at ? `${at}.${seg}` : seg;
  }
  return node;
};

/**
 * A new model with `module` at `path`: replacing the child of that name, or appended to its parent when there is
 * none (PyTorch's `classifier[6] = …` and `classifier.add_module("add_linear", …)` in one call).
 * @example
 * const vgg10 = nn.setModule(vgg, "classifier.6", nn.linear({ inFeatures: 4096, outFeatures: 10 }));
 */
export function setModule(model: Sequential, path: string, module: AnyModule): Sequential;
export function setModule<I, O>(model: Module<I, O>, path: string, module: AnyModule): Module<I, O>;
export function setModule<I, O>(model: Module<I, O>, path: string, module: AnyModule): Module<I, O> {
  const segs = segments(path);
  if (segs.length === 0) throw new Error(`setModule: the path must name a child (got ""); the model itself is replaced by using the new module`);
  const set = (node: AnyModule, rest: readonly string[], at: string): AnyModule => {
    const [head, ...tail] = rest as [string, ...string[]];
    const exists = node.children.some(([n]) => n === head);
    if (tail.length === 0) {
      const next: NamedChild[] = exists ? node.children.map(([n, c]) => [n, n === head ? module : c]) : [...node.children, [head, module]];
      return node.withChildren(next) as AnyModule;
    }
    const child = childOf("setModule", node, head, at);
    const next = set(child, tail, at ? `${at}.${head}` : head);
    return node.withChildren(node.children.map(([n, c]) => [n, n === head ? next : c])) as AnyModule;
  };
  return set(model as unknown as AnyModule, segs, "") as unknown as Module<I, O>;
}

const ownOf = (m: AnyModule, variables: Variables, owner: string): OwnVariables => {
  const pick = (tree: Variables["params"], names: readonly string[]): Record<string, Tensor> => {
    const node = lookup(tree, owner);
    const out: Record<string, Tensor> = {};
    for (const n of names) {
      const t = node?.[n];
      if (t instanceof Tensor) out[n] = t;
    }
    return out;
  };
  return { params: pick(variables.params, Object.keys(m.paramSpecs)), state: pick(variables.state, Object.keys(m.stateSpecs)) };
};

/**
 * Variables for `next` that keep `prev`'s tensors for every sub-module `next` still contains (the same module
 * value, wherever it now sits) and initialise the rest from `key` exactly as `next.init(key)` would.
 * @example
 * const vgg10 = nn.setModule(vgg, "classifier.6", nn.linear({ inFeatures: 4096, outFeatures: 10 }));
 * const v10 = nn.transferVariables(vgg, pretrained, vgg10, key(1)); // only the new head is fresh
 */
export const transferVariables = <I, O, J, P>(prev: Module<I, O>, prevVariables: Variables, next: Module<J, P>, key: Key): Variables => {
  const owners = ownerPaths(prev as unknown as AnyModule);
  return initVariables(next as unknown as AnyModule, key, (m) => {
    const owner = owners.get(m);
    return owner === undefined ? undefined : ownOf(m, prevVariables, owner);
  });
};
