// Helpers the CNN examples share, as the curriculum's code shares d2l's (`from d2l import torch as d2l`).
import { nn, type Tensor } from "../src/index.js";

/** The value after `--name` on the command line as a positive number, or `fallback`; a bad value is an error naming the flag. */
export const numberFlag = (name: string, fallback: number, { integer = false } = {}): number => {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const v = Number(process.argv[at + 1]);
  if (!(v > 0) || (integer && !Number.isInteger(v))) throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${process.argv[at + 1]}`);
  return v;
};

/** d2l's `for layer in net: X = layer(X); print(...)`: each top-level child runs on its own slice of the variables. */
export const shapeListing = (net: nn.Sequential, variables: nn.Variables, input: Tensor): [string, number[]][] => {
  let X = input;
  return net.children.map(([name], i) => {
    const layer = net.at(i);
    const vars = { params: (variables.params[name] ?? {}) as nn.Params, state: (variables.state[name] ?? {}) as nn.State };
    X = layer.apply(vars, X).output;
    console.log(`${layer.kind} output shape:\t [${X.shape.join(", ")}]`);
    return [layer.kind, [...X.shape]];
  });
};

/** Fails the example when a shape listing differs from the one PyTorch printed. */
export const expectListing = (what: string, actual: [string, number[]][], expected: [string, number[]][]): void => {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: per-layer shapes differ from PyTorch's:\n${JSON.stringify(actual)}\nexpected\n${JSON.stringify(expected)}`);
};
