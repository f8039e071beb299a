// Traces an nn module into a graph whose ops are grouped by module path, as torch.utils.tensorboard names them (`Sequential/Conv2d[0]/...`).
// It uses nn's internal call tracer (the one nn.summary uses).
import type { Tensor } from "../../ops/Tensor.js";
import { key as makeKey, type Key } from "../../ops/random.js";
import { trace, type ScopeCall, type TracedGraph } from "../../graph/trace.js";
import type { Module, Variables } from "../../nn/Module.js";
import { applyModule, ownerPaths } from "../../nn/_runtime.js";

export interface TraceModuleOptions {
  /** The variables to run with (default `model.init(key)`, as nn.summary does). */
  readonly variables?: Variables;
  /** Key for the default init (default key(0)). */
  readonly key?: Key;
  /** Trace the training-mode graph (default false, as PyTorch traces in eval mode). */
  readonly training?: boolean;
}

/** Runs `model` once on `input` and returns its graph, params as Parameter nodes and ops scoped by module. */
export const traceModule = <I>(model: Module<I, unknown>, input: I, { variables, key = makeKey(0), training = false }: TraceModuleOptions = {}): TracedGraph => {
  const vars = variables ?? model.init(key);
  const owners = ownerPaths(model as never);
  const calls: ScopeCall[] = [];
  const scopeAt = new Map<string, string>();
  const run = (params: Variables["params"], x: I): unknown =>
    applyModule(model, owners, { params, state: vars.state }, x, { training, key }, (path, m, _owner, input) => {
      const dot = path.lastIndexOf(".");
      const parent = dot < 0 ? (path === "" ? undefined : "") : path.slice(0, dot);
      const scope = parent === undefined ? m.kind : `${scopeAt.get(parent) ?? model.kind}/${m.kind}[${path.slice(dot + 1)}]`;
      scopeAt.set(path, scope);
      // Knowing the call's input lets ops a custom forward runs before calling a child stay in the parent's scope.
      return (output) => calls.push({ scope, outputs: output, inputs: input });
    }).output;
  return trace(run as (p: Variables["params"], x: unknown) => unknown, [vars.params, input as unknown as Tensor], {
    argNames: ["params", "input"],
    parameterArgs: [0],
    scopes: () => calls,
  });
};
