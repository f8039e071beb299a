// PyTorch-named views of variables: namedParameters, stateDict, loadStateDict and parameterCount.
import { Tensor } from "../ops/Tensor.js";
import { cast } from "../ops/elementwise.js";
import { sameShape, shapeStr } from "../ops/_shape.js";
import { treeLeavesWithPaths } from "../graph/pytree.js";
import type { AnyModule, Module, Params, Variables } from "./Module.js";
import { joinPath, lookup, walkModules, withUpdates } from "./_runtime.js";

/**
 * The parameters with their PyTorch names, each once (a shared layer under its first name), as named_parameters().
 * @example
 * for (const [name, p] of nn.namedParameters(params)) console.log(name, p.shape); // 0.weight [8, 4] …
 */
export const namedParameters = (params: Params): [string, Tensor][] => treeLeavesWithPaths(params).map((l) => [l.path, l.tensor]);

/** The buffers (BatchNorm's running statistics, …) with their PyTorch names, as named_buffers(). */
export const namedBuffers = namedParameters;

/** The number of trainable scalars (each shared parameter counted once). */
export const parameterCount = (params: Params): number => treeLeavesWithPaths(params).reduce((n, l) => n + l.tensor.size, 0);

/** One state_dict entry: where the model expects it and where its tensor lives in the variables. */
interface Slot {
  readonly name: string;
  readonly owner: string;
  readonly own: string;
  readonly kind: "params" | "state";
}

const slots = (model: AnyModule): Slot[] => {
  const out: Slot[] = [];
  walkModules(model, (path, m, owner) => {
    for (const own of Object.keys(m.paramSpecs)) out.push({ name: joinPath(path, own), owner, own, kind: "params" });
    for (const own of Object.keys(m.stateSpecs)) out.push({ name: joinPath(path, own), owner, own, kind: "state" });
  });
  return out;
};

const current = <I, O>(model: Module<I, O>, variables: Variables, s: Slot, op: string): Tensor => {
  const t = lookup(variables[s.kind], s.owner)?.[s.own];
  if (!(t instanceof Tensor))
    throw new Error(`${op}: the variables have no ${s.kind === "params" ? "parameter" : "buffer"} "${joinPath(s.owner, s.own)}" that ${model.kind} needs; make them with model.init(key)`);
  return t;
};

/**
 * Params and buffers under PyTorch's state_dict names and in its order (for each module: its params, its buffers,
 * then its children); a shared layer appears under every name it has, as in PyTorch.
 * @example
 * nn.stateDict(model, { params, state })["2.bias"];
 */
export const stateDict = <I, O>(model: Module<I, O>, variables: Variables): Record<string, Tensor> => {
  const out: Record<string, Tensor> = {};
  for (const s of slots(model as unknown as AnyModule)) out[s.name] = current(model, variables, s, "stateDict");
  return out;
};

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true); otherwise missing entries keep their current values and extra ones are ignored. */
  readonly strict?: boolean;
}

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(", ");

/**
 * New variables with the tensors of a PyTorch-named state_dict put in place (load_state_dict); shapes must match,
 * dtypes are converted (PyTorch's int64 num_batches_tracked becomes int32).
 * @example
 * const variables = nn.loadStateDict(model, model.init(key(0)), checkpoint);
 */
export const loadStateDict = <I, O>(
  model: Module<I, O>,
  variables: Variables,
  dict: Readonly<Record<string, Tensor>>,
  { strict = true }: LoadStateDictOptions = {},
): Variables => {
  const op = "loadStateDict";
  const expected = slots(model as unknown as AnyModule);
  const known = new Set(expected.map((s) => s.name));
  const missing: string[] = [];
  const updates = { params: new Map<string, Record<string, Tensor>>(), state: new Map<string, Record<string, Tensor>>() };
  const done = new Set<string>();
  for (const s of expected) {
    const cur = current(model, variables, s, op);
    const t = dict[s.name];
    if (t === undefined) {
      missing.push(s.name);
      continue;
    }
    if (!(t instanceof Tensor)) throw new Error(`${op}: entry "${s.name}" is not a tensor (got ${typeof t})`);
    if (!sameShape(t.shape, cur.shape))
      throw new Error(`${op}: size mismatch for "${s.name}": the checkpoint has shape ${shapeStr(t.shape)}, the model expects ${shapeStr(cur.shape)}`);
    const where = `${s.kind}:${joinPath(s.owner, s.own)}`;
    // A shared layer is listed under each of its names; its first name decides, as its tensors are the same.
    if (done.has(where)) continue;
    done.add(where);
    const byOwner = updates[s.kind];
    byOwner.set(s.owner, { ...(byOwner.get(s.owner) ?? {}), [s.own]: cast(t, cur.dtype) });
  }
  // A shared layer's later names may be absent from a checkpoint written elsewhere; its first name suffices.
  const stillMissing = missing.filter((name) => {
    const s = expected.find((e) => e.name === name)!;
    return !done.has(`${s.kind}:${joinPath(s.owner, s.own)}`);
  });
  const unexpected = Object.keys(dict).filter((k) => !known.has(k));
  if (strict && (stillMissing.length > 0 || unexpected.length > 0)) {
    const parts = [
      ...(stillMissing.length ? [`missing key(s) ${quoted(stillMissing)}`] : []),
      ...(unexpected.length ? [`unexpected key(s) ${quoted(unexpected)}`] : []),
    ];
    throw new Error(`${op}: error(s) in loading the state_dict for ${model.kind}: ${parts.join("; ")}`);
  }
  return {
    params: updates.params.size ? withUpdates(variables.params, updates.params) : variables.params,
    state: updates.state.size ? withUpdates(variables.state, updates.state) : variables.state,
  };
};
