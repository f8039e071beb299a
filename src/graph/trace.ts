// Tracing: run a function once and read the recorded autodiff nodes back as a dataflow graph (for TensorBoard's Graphs tab, as torch.jit.trace).
import { Tensor } from "../ops/Tensor.js";
import type { DType } from "../ops/dtype.js";
import type { Shape } from "../ops/_shape.js";
import { withRecording } from "../ops/_tape.js";
import { treeLeaves, treeLeavesWithPaths } from "./pytree.js";

/** What produced a traced value: a traced argument, a model parameter, a constant the function closed over, or an op. */
export type TracedKind = "input" | "parameter" | "constant" | "op";

/** One node of a traced graph: a value and how it was computed. */
export interface TracedNode {
  /** Unique name; "/" separates name scopes (module paths), as TensorBoard groups them. */
  readonly name: string;
  /** The op type: the primitive, or its elementwise/reduction op (`matmul`, `relu`, `add`, `sum`), or Input/Parameter/Constant. */
  readonly op: string;
  readonly kind: TracedKind;
  /** Names of the nodes whose values this node consumes, in argument order. */
  readonly inputs: readonly string[];
  readonly shape: Shape;
  readonly dtype: DType;
  /** The primitive's static parameters as text (`axes=[1], op=sum`); "" for leaves. */
  readonly attributes: string;
}

/** A traced graph: nodes in dependency order (inputs before their consumers) and the nodes holding the outputs. */
export interface TracedGraph {
  readonly nodes: readonly TracedNode[];
  readonly outputs: readonly string[];
}

/** A call of a named part of the computation (a module), reported by the traced function so its ops are grouped. */
export interface ScopeCall {
  /** The scope's full name, e.g. `Sequential/Conv2d[0]`. */
  readonly scope: string;
  /** What the call returned (a tensor or pytree). */
  readonly outputs: unknown;
  /** What the call was given; when known, the scope stops exactly there instead of at tensors an earlier call claimed. */
  readonly inputs?: unknown;
}

export interface TraceOptions {
  /** Names of the arguments (default `input` for one argument, else `input.0`, `input.1`, ...). */
  readonly argNames?: readonly string[];
  /** Indices of the arguments that are parameters (shown as Parameter nodes, named by their pytree path) rather than inputs. */
  readonly parameterArgs?: readonly number[];
  /** The scope calls the function made, in the order they finished (inner before outer); read after the function ran. */
  readonly scopes?: () => readonly ScopeCall[];
}

// Elementwise, reduction and arg-reduction primitives are named by their op, so `add` and `relu` read as in PyTorch.
const opType = (prim: string, params: unknown): string => {
  const op = (params as { op?: unknown } | null)?.op;
  return typeof op === "string" ? op : prim;
};

const show = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${k}=${show(x)}`).join(", ")}}`;
  return String(v);
};

const attributesOf = (params: unknown): string =>
  params !== null && typeof params === "object"
    ? Object.entries(params)
        .filter(([k]) => k !== "op")
        .map(([k, v]) => `${k}=${show(v)}`)
        .join(", ")
    : "";

/** Marks a tensor as a traced leaf: ops on it record their nodes, whatever its dtype. */
const asLeaf = (t: Tensor): Tensor => new Tensor(t.storage, t.shape, t.dtype, t.device, null, true);

/** Tensors reachable from `roots` through recorded nodes, inputs before outputs (iterative: deep graphs must not overflow the stack). */
const topoOrder = (roots: readonly Tensor[]): Tensor[] => {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: [Tensor, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const inputs = top[0].node?.inputs ?? [];
      if (top[1] < inputs.length) {
        const child = inputs[top[1]++]!;
        if (!seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  return order;
};

/**
 * Which scope each node belongs to: each call, innermost first, claims the not-yet-claimed nodes its outputs were computed
 * from. With the call's inputs known the walk stops there (exact); without, it stops at nodes an inner call claimed.
 */
const assignScopes = (
  order: readonly Tensor[],
  kindOf: ReadonlyMap<Tensor, TracedKind>,
  calls: readonly ScopeCall[],
): Map<Tensor, string> => {
  const owner = new Map<Tensor, string>();
  for (const call of calls) {
    const stops = call.inputs === undefined ? undefined : new Set(treeLeaves(call.inputs));
    const stack = [...treeLeaves(call.outputs)];
    const visited = new Set<Tensor>();
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (visited.has(t) || !kindOf.has(t) || kindOf.get(t) === "input" || stops?.has(t)) continue;
      visited.add(t);
      if (owner.has(t)) {
        if (!stops) continue;
      } else owner.set(t, call.scope);
      stack.push(...(t.node?.inputs ?? []));
    }
  }
  // What no call claimed (ops between module calls at the top) belongs to the outermost scope, as PyTorch nests all under the model.
  const outermost = calls[calls.length - 1]?.scope;
  if (outermost !== undefined) for (const t of order) if (!owner.has(t) && kindOf.get(t) !== "input") owner.set(t, outermost);
  return owner;
};

/**
 * Runs `f` once on `args` (each a tensor or pytree of tensors, marked as traced) and returns the graph of ops that
 * computed its output: one node per op with its input edges, op type, parameters and output shape (torch.jit.trace).
 * @example
 * const g = trace((x: Tensor) => relu(matmul(x, w)), [ones([2, 3])]);
 * g.nodes.map((n) => n.op); // ["Input", "reshape", "Constant", "matmul", "reshape", "relu"] (matmul works on 3-d batches)
 */
export const trace = <A extends readonly unknown[]>(f: (...args: A) => unknown, args: A, { argNames, parameterArgs = [], scopes }: TraceOptions = {}): TracedGraph => {
  if (typeof f !== "function") throw new Error(`trace: expected a function to trace, got ${typeof f}`);
  if (!Array.isArray(args)) throw new Error(`trace: expected an array of arguments, got ${typeof args}`);
  const names = argNames ?? (args.length === 1 ? ["input"] : args.map((_, i) => `input.${i}`));
  const leafName = new Map<Tensor, { kind: "input" | "parameter"; name: string }>();
  const marked = args.map((arg, i) => {
    const kind = parameterArgs.includes(i) ? "parameter" : "input";
    const leaves = treeLeavesWithPaths(arg);
    if (leaves.length === 0) return arg;
    const argName = names[i] ?? `input.${i}`;
    const fresh = leaves.map(({ path, tensor }) => {
      const t = asLeaf(tensor);
      // Parameters are named by their state_dict path (`0.weight`), inputs as PyTorch does (`input/x`).
      leafName.set(t, { kind, name: kind === "parameter" ? path || argName : `input/${path ? `${argName}.${path}` : argName}` });
      return t;
    });
    let k = 0;
    const rebuild = (x: unknown): unknown =>
      x instanceof Tensor ? fresh[k++] : Array.isArray(x) ? x.map(rebuild) : x !== null && typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([key, v]) => [key, rebuild(v)])) : x;
    return rebuild(arg);
  }) as unknown as A;

  const result = withRecording(true, () => f(...marked));
  const outputs = treeLeaves(result);
  if (outputs.length === 0) throw new Error(`trace: the function returned no tensors (got ${result === null ? "null" : typeof result}), so there is nothing to trace`);

  const order = topoOrder(outputs);
  const kindOf = new Map<Tensor, TracedKind>(order.map((t) => [t, t.node ? "op" : (leafName.get(t)?.kind ?? "constant")]));
  const owner = assignScopes(order, kindOf, scopes?.() ?? []);
  const nameOf = new Map<Tensor, string>();
  const used = new Set<string>();
  const nodes = order.map((t, i): TracedNode => {
    const kind = kindOf.get(t)!;
    const op = t.node ? opType(t.node.prim, t.node.params) : kind === "input" ? "Input" : kind === "parameter" ? "Parameter" : "Constant";
    const base = t.node ? `${op}_${i}` : kind === "constant" ? `constant_${i}` : leafName.get(t)!.name;
    let name = owner.has(t) ? `${owner.get(t)}/${base}` : base;
    // A tensor passed twice (or two leaves with one path) must still get distinct node names.
    if (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    nameOf.set(t, name);
    return {
      name,
      op,
      kind,
      inputs: (t.node?.inputs ?? []).map((x) => nameOf.get(x)!),
      shape: t.shape,
      dtype: t.dtype,
      attributes: t.node ? attributesOf(t.node.params) : "",
    };
  });
  return { nodes, outputs: outputs.map((t) => nameOf.get(t)!) };
};
