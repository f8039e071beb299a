// The machinery behind every module value: building it, init, and apply (variable lookup, shared-layer owners, per-call keys, labelled errors).
import { Tensor } from "../ops/Tensor.js";
import { foldIn, split, type Key } from "../ops/random.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import type { AnyModule, ApplyOptions, Applied, ConfigValue, ForwardContext, ForwardOptions, Module, NamedChild, Params, State, TensorSpec, Variables } from "./Module.js";
import { formatModule } from "./repr.js";

/** The property holding a module's forward body; a symbol so it stays out of the public surface. */
export const RUN: unique symbol = Symbol("rivulet.nn.run");

/** A forward body as the machinery sees it (children, params and state untyped). */
export type Body<I, O> = (ctx: ForwardContext, x: I) => O;

/** An error already labelled with the module it came from, so enclosing modules pass it on unchanged. */
export class ModuleError extends Error {}

/** `Linear at "features.3"`, or just `Linear` for the root. */
export const label = (kind: string, path: string): string => (path ? `${kind} at "${path}"` : kind);

export const joinPath = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

export const isRecord = (x: unknown): x is Params =>
  typeof x === "object" && x !== null && !Array.isArray(x) && !(x instanceof Tensor);

/** A record or an array of sub-trees (anything but a tensor). */
const isNode = (x: unknown): x is Params => typeof x === "object" && x !== null && !(x instanceof Tensor);

const isKey = (k: unknown): k is Key => typeof k === "object" && k !== null && Array.isArray((k as Key).words);

/** The record at a dotted path of a params/state tree, or undefined. */
export const lookup = (tree: Params, path: string): Params | undefined => {
  let node: Params | undefined = tree;
  for (const seg of path ? path.split(".") : []) {
    const next: Tensor | Params | undefined = node?.[seg];
    // Arrays are accepted too: trees rebuilt from a flat state_dict may hold a Sequential as an array.
    node = isNode(next) ? next : undefined;
  }
  return node;
};

/**
 * Every module call site in pre-order, shared modules at each place they appear (PyTorch's state_dict walk),
 * with the owner path where their variables live.
 */
export const walkModules = (root: AnyModule, visit: (path: string, module: AnyModule, owner: string) => void): void => {
  const owners = ownerPaths(root);
  const rec = (m: AnyModule, path: string): void => {
    visit(path, m, owners.get(m)!);
    for (const [name, child] of m.children) rec(child, joinPath(path, name));
  };
  rec(root, "");
};

/** Where each module's variables live: the path of its first occurrence in pre-order (a shared layer's later uses point there). */
export const ownerPaths = (root: AnyModule): Map<AnyModule, string> => {
  const owners = new Map<AnyModule, string>();
  const walk = (m: AnyModule, path: string): void => {
    if (owners.has(m)) return;
    owners.set(m, path);
    for (const [name, child] of m.children) walk(child, joinPath(path, name));
  };
  walk(root, "");
  return owners;
};

const checkName = (kind: string, what: string, name: string): void => {
  if (name === "" || name.includes("."))
    throw new Error(`${kind}: ${what} name "${name}" must be non-empty and must not contain "." (it is a state_dict path segment)`);
};

/** The parts of a module that `buildModule` turns into a value. */
export interface ModuleCore<I, O> {
  readonly kind: string;
  readonly config: Readonly<Record<string, ConfigValue>>;
  readonly extraRepr: string;
  readonly children: readonly NamedChild[];
  readonly paramSpecs: Readonly<Record<string, TensorSpec | undefined>>;
  readonly stateSpecs: Readonly<Record<string, TensorSpec | undefined>>;
  readonly body: Body<I, O>;
}

const definedSpecs = (specs: Readonly<Record<string, TensorSpec | undefined>>): Readonly<Record<string, TensorSpec>> =>
  Object.freeze(Object.fromEntries(Object.entries(specs).filter((e): e is [string, TensorSpec] => e[1] !== undefined)));

/** Makes the frozen module value; `extra` adds members that need the value itself (Sequential's indexing). */
export const buildModule = <I, O, X extends object = Record<never, never>>(
  core: ModuleCore<I, O>,
  rebuild: (children: readonly NamedChild[]) => Module<I, O>,
  extra?: (self: Module<I, O>) => X,
): Module<I, O> & X => {
  const { kind } = core;
  const paramSpecs = definedSpecs(core.paramSpecs);
  const stateSpecs = definedSpecs(core.stateSpecs);
  const seen = new Set<string>();
  for (const [name, child] of core.children) {
    checkName(kind, "child", name);
    if (seen.has(name)) throw new Error(`${kind}: two children are named "${name}"`);
    seen.add(name);
    if (typeof child !== "object" || child === null || typeof (child as Partial<AnyModule>)[RUN] !== "function")
      throw new Error(`${kind}: child "${name}" is not a module (got ${typeof child})`);
  }
  for (const name of [...Object.keys(paramSpecs), ...Object.keys(stateSpecs)]) {
    checkName(kind, "parameter/buffer", name);
    if (seen.has(name)) throw new Error(`${kind}: "${name}" names both a parameter/buffer and a child (or two of them)`);
    seen.add(name);
  }
  const self = {} as Module<I, O>;
  let owners: Map<AnyModule, string> | undefined;
  // The module is immutable, so where shared layers keep their variables can be worked out once.
  const ownersOf = (): Map<AnyModule, string> => (owners ??= ownerPaths(self as unknown as AnyModule));
  Object.assign(self, {
    kind,
    config: Object.freeze({ ...core.config }),
    extraRepr: core.extraRepr,
    children: Object.freeze(core.children.map(([n, c]) => Object.freeze([n, c] as const))),
    paramSpecs,
    stateSpecs,
    init: (key: Key): Variables => initVariables(self as unknown as AnyModule, key),
    apply: (variables: Variables, x: I, options: ApplyOptions = {}): Applied<O> => applyModule(self, ownersOf(), variables, x, options),
    forward: (params: Params, x: I, { state = {}, ...options }: ForwardOptions = {}): O =>
      applyModule(self, ownersOf(), { params, state }, x, options).output,
    withChildren: rebuild,
    toString: () => formatModule(self as unknown as AnyModule),
    [Symbol.for("nodejs.util.inspect.custom")]: () => formatModule(self as unknown as AnyModule),
    [RUN]: core.body,
  });
  if (extra) Object.assign(self, extra(self));
  return Object.freeze(self) as Module<I, O> & X;
};

const makeTensor = (kind: string, name: string, spec: TensorSpec, key: Key): Tensor => {
  const t = spec.init(key, spec.shape);
  if (!(t instanceof Tensor) || !sameShape(t.shape, spec.shape))
    throw new Error(`${kind}: the initialiser of "${name}" gave ${t instanceof Tensor ? `shape ${shapeStr(t.shape)}` : typeof t}, expected shape ${shapeStr(spec.shape)}`);
  return t;
};

/** A module's own tensors (not its children's). */
export interface OwnVariables {
  readonly params: Readonly<Record<string, Tensor>>;
  readonly state: Readonly<Record<string, Tensor>>;
}

/**
 * Fresh variables for `root` (or, where `reuse` gives them, a module's existing own tensors). Each module's own tensors come from one half of its key and its children from the
 * other (child i from foldIn(·, i)), so adding a child never changes how the others are initialised.
 */
export const initVariables = (root: AnyModule, key: Key, reuse?: (m: AnyModule) => OwnVariables | undefined): Variables => {
  if (!isKey(key)) throw new Error(`${root.kind}.init: expected an RNG key from key(seed) or split(...), got ${String(key)}`);
  const seen = new Set<AnyModule>();
  const visit = (m: AnyModule, k: Key): [Record<string, Tensor | Params>, Record<string, Tensor | Params>] => {
    seen.add(m);
    const [own, kids] = split(k) as [Key, Key];
    const kept = reuse?.(m);
    const params: Record<string, Tensor | Params> = {};
    const state: Record<string, Tensor | Params> = {};
    const pEntries = Object.entries(m.paramSpecs);
    pEntries.forEach(([n, spec], i) => (params[n] = kept?.params[n] ?? makeTensor(m.kind, n, spec, foldIn(own, i))));
    Object.entries(m.stateSpecs).forEach(([n, spec], i) => (state[n] = kept?.state[n] ?? makeTensor(m.kind, n, spec, foldIn(own, pEntries.length + i))));
    m.children.forEach(([name, child], i) => {
      // A shared layer's variables live only where it first appears; that is what makes it one parameter.
      if (seen.has(child)) return;
      const [cp, cs] = visit(child, foldIn(kids, i));
      if (Object.keys(cp).length > 0) params[name] = cp;
      if (Object.keys(cs).length > 0) state[name] = cs;
    });
    return [params, state];
  };
  const [params, state] = visit(root, key);
  return { params, state };
};

/** Reports each module call (for summary, graph tracing): gets the call's path, module, owner path and input; returns what to do with its output. */
export type Tracer = (path: string, module: AnyModule, owner: string, input: unknown) => (output: unknown) => void;

interface Runtime {
  readonly params: Params;
  readonly state: State;
  readonly owners: ReadonlyMap<AnyModule, string>;
  readonly training: boolean;
  /** New own buffers by owner path, written by setState (a shared BatchNorm sees its own earlier update). */
  readonly updates: Map<string, Readonly<Record<string, Tensor>>>;
  readonly trace: Tracer | undefined;
}

const EMPTY: Readonly<Record<string, Tensor>> = Object.freeze({});
// Own randomness (ctx.key) is drawn from a stream no child index can reach.
const OWN_STREAM = 0xffffffff;

const ownTensors = (
  tree: Params,
  owner: string,
  specs: Readonly<Record<string, TensorSpec>>,
  what: "parameter" | "buffer",
  name: string,
): Readonly<Record<string, Tensor>> => {
  const names = Object.keys(specs);
  if (names.length === 0) return EMPTY;
  const node = lookup(tree, owner);
  const out: Record<string, Tensor> = {};
  for (const n of names) {
    const full = joinPath(owner, n);
    const t = node?.[n];
    const spec = specs[n]!;
    if (!(t instanceof Tensor))
      throw new ModuleError(
        `${name}: missing ${what} "${full}" (shape ${shapeStr(spec.shape)})` +
          (what === "buffer" ? "; pass the state from init: model.apply({ params, state }, x)" : "; pass the params from init"),
      );
    if (!sameShape(t.shape, spec.shape))
      throw new ModuleError(`${name}: ${what} "${full}" has shape ${shapeStr(t.shape)}, expected ${shapeStr(spec.shape)}`);
    out[n] = t;
  }
  return out;
};

const labelled = (name: string, e: unknown): unknown =>
  e instanceof ModuleError || !(e instanceof Error) ? e : new ModuleError(`${name}: ${e.message}`, { cause: e });

const runModule = (rt: Runtime, m: AnyModule, path: string, x: unknown, key: Key | undefined): unknown => {
  const owner = rt.owners.get(m) ?? path;
  const name = label(m.kind, path);
  const fail = (message: string): never => {
    throw new ModuleError(`${name}: ${message}`);
  };
  const done = rt.trace?.(path, m, owner, x);
  try {
    const params = ownTensors(rt.params, owner, m.paramSpecs, "parameter", name);
    const state = rt.updates.get(owner) ?? ownTensors(rt.state, owner, m.stateSpecs, "buffer", name);
    const children: Record<string, (input: unknown) => unknown> = {};
    m.children.forEach(([n, child], i) => {
      let calls = 0;
      // Call n of child i gets foldIn(foldIn(key, i), n): deterministic, and distinct when a layer is reused.
      children[n] = (input) => {
        const k = key && foldIn(foldIn(key, i), calls);
        calls++;
        return runModule(rt, child, joinPath(path, n), input, k);
      };
    });
    let draws = 0;
    const ctx: ForwardContext = {
      children: children as ForwardContext["children"],
      params,
      state,
      training: rt.training,
      path,
      key: () => {
        if (!key) return fail("training mode needs an RNG key: call apply(variables, x, { training: true, key })");
        return foldIn(foldIn(key, OWN_STREAM), draws++);
      },
      setState: (next) => {
        for (const [n, spec] of Object.entries(m.stateSpecs)) {
          const t = next[n];
          if (!(t instanceof Tensor) || !sameShape(t.shape, spec.shape))
            fail(`setState: buffer "${n}" must be a tensor of shape ${shapeStr(spec.shape)}, got ${t instanceof Tensor ? shapeStr(t.shape) : typeof t}`);
        }
        rt.updates.set(owner, { ...next });
      },
      fail,
    };
    const out = (m[RUN] as Body<unknown, unknown>)(ctx, x);
    done?.(out);
    return out;
  } catch (e) {
    throw labelled(name, e);
  }
};

/** `state` (or params) with the own tensors of each listed owner path replaced or added (key order kept). */
export const withUpdates = (state: Params, updates: ReadonlyMap<string, Readonly<Record<string, Tensor>>>): Params => {
  const setAt = (node: Params, segs: readonly string[], own: Readonly<Record<string, Tensor>>): Params => {
    if (segs.length === 0) return { ...node, ...own };
    const [head, ...rest] = segs as [string, ...string[]];
    const child = node[head];
    const next = setAt(isNode(child) ? child : {}, rest, own);
    if (Array.isArray(node)) return Object.assign([...(node as unknown as Params[])], { [head]: next }) as unknown as Params;
    return { ...node, [head]: next };
  };
  let out = state;
  for (const [owner, own] of updates) out = setAt(out, owner ? owner.split(".") : [], own);
  return out;
};

/** Runs `root` on `x`; the state comes back updated only where a module called setState. */
export const applyModule = <I, O>(
  root: Module<I, O>,
  owners: ReadonlyMap<AnyModule, string>,
  variables: Variables,
  x: I,
  { training = false, key }: ApplyOptions = {},
  trace?: Tracer,
): Applied<O> => {
  if (!isRecord(variables) || !isRecord(variables.params) || !isRecord(variables.state))
    throw new Error(`${root.kind}.apply: expected variables { params, state } as init returns them, got ${describe(variables)}`);
  if (typeof training !== "boolean") throw new Error(`${root.kind}.apply: training must be a boolean, got ${String(training)}`);
  if (key !== undefined && !isKey(key)) throw new Error(`${root.kind}.apply: key must be an RNG key from key(seed) or split(...), got ${String(key)}`);
  const rt: Runtime = { params: variables.params, state: variables.state, owners, training, updates: new Map(), trace };
  const output = runModule(rt, root as unknown as AnyModule, "", x, key) as O;
  return { output, state: rt.updates.size === 0 ? variables.state : withUpdates(variables.state, rt.updates) };
};

const describe = (v: unknown): string =>
  isRecord(v) ? `an object with keys [${Object.keys(v).slice(0, 5).join(", ")}]` : v instanceof Tensor ? `a tensor of shape ${shapeStr(v.shape)}` : String(v);
