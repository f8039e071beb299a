// A torchinfo-style summary: one row per module call with its output shape and parameter count, computed by running the model once.
import { Tensor } from "../ops/Tensor.js";
import { zeros } from "../ops/creation.js";
import { key as makeKey, type Key } from "../ops/random.js";
import { numel, shapeStr, type Shape } from "../ops/_shape.js";
import type { DType } from "../ops/dtype.js";
import type { AnyModule, Module, Variables } from "./Module.js";
import { applyModule, ownerPaths, type Tracer } from "./_runtime.js";
import { parameterCount } from "./stateDict.js";

export interface SummaryOptions {
  /** The variables to run with (default: `model.init(key)`). */
  readonly variables?: Variables;
  /** Key for the default init (default key(0)). */
  readonly key?: Key;
  /** dtype of the zero input made from a shape (default float32; int32 for an Embedding at the front). */
  readonly dtype?: DType;
  readonly training?: boolean;
}

interface Row {
  readonly depth: number;
  readonly label: string;
  readonly params: string;
  output: string;
}

const describe = (v: unknown): string => {
  if (v instanceof Tensor) return shapeStr(v.shape);
  if (Array.isArray(v)) return `[${v.map(describe).join(", ")}]`;
  if (typeof v === "object" && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${describe(x)}`).join(", ")} }`;
  return "--";
};

const commas = (n: number): string => n.toLocaleString("en-US");

/**
 * The model's layers with each call's output shape and own parameter count (torchinfo's summary, d2l's shape loop),
 * as text to print; a shared layer's later calls show "(recursive)".
 * @example
 * console.log(nn.summary(lenet, [1, 1, 28, 28]));
 */
export const summary = <O>(model: Module<Tensor, O>, input: Shape | Tensor, { variables, key, dtype = "float32", training = false }: SummaryOptions = {}): string => {
  const vars = variables ?? model.init(key ?? makeKey(0));
  const x = input instanceof Tensor ? input : zeros(input, { dtype });
  const rows: Row[] = [];
  const called = new Set<string>();
  const trace: Tracer = (path, m, owner) => {
    const own = Object.values(m.paramSpecs).reduce((n, s) => n + numel(s.shape), 0);
    const again = called.has(owner);
    called.add(owner);
    const row: Row = {
      depth: path === "" ? 0 : path.split(".").length,
      label: path === "" ? m.kind : `${m.kind} (${path})`,
      params: own === 0 ? "--" : again ? "(recursive)" : commas(own),
      output: "--",
    };
    rows.push(row);
    return (out) => (row.output = describe(out));
  };
  applyModule(model, ownerPaths(model as unknown as AnyModule), vars, x, { training, key: makeKey(0) }, trace);
  const names = rows.map((r) => "  ".repeat(r.depth) + r.label);
  const w1 = Math.max(30, ...names.map((n) => n.length + 2));
  const w2 = Math.max(20, ...rows.map((r) => r.output.length + 2));
  const w3 = Math.max(12, ...rows.map((r) => r.params.length));
  const rule = (c: string): string => c.repeat(w1 + w2 + w3);
  const line = (a: string, b: string, c: string): string => a.padEnd(w1) + b.padEnd(w2) + c.padStart(w3);
  const total = parameterCount(vars.params);
  return [
    rule("="),
    line("Layer (type (path))", "Output Shape", "Param #"),
    rule("="),
    ...rows.map((r, i) => line(names[i]!, r.output, r.params)),
    rule("="),
    `Total params: ${commas(total)}`,
    `Input shape: ${shapeStr(x.shape)}`,
    rule("="),
  ].join("\n");
};
