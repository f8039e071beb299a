// Shape inference for big models: a "meta" device whose kernels compute nothing, so a forward pass only runs the shape rules.
import { broadcastTo, key, nn, scalar, type Tensor } from "../../../src/index.js";
import type { Backend } from "../../../src/ops/backend.js";
import type { DType } from "../../../src/ops/dtype.js";

// Like PyTorch's meta device: every primitive's output shape and dtype are inferred by apply, the kernel stores nothing.
const meta = {
  name: "meta",
  kernels: new Proxy({}, { get: () => () => null }),
  upload: () => null,
  read: async () => {
    throw new Error("meta tensors have no data");
  },
} as unknown as Backend;

/** A data-less tensor of `shape` on the meta device. */
export const metaTensor = (shape: readonly number[], dtype: DType = "float32"): Tensor => broadcastTo(scalar(0, { device: meta, dtype }), shape);

/** Variables for `model` made of meta tensors (the structure `init` gives, without drawing 100M random numbers). */
export const metaVariables = (model: nn.AnyModule): nn.Variables => {
  const visit = (m: nn.AnyModule): [Record<string, unknown>, Record<string, unknown>] => {
    const params: Record<string, unknown> = {};
    const state: Record<string, unknown> = {};
    for (const [n, s] of Object.entries(m.paramSpecs)) params[n] = metaTensor(s.shape);
    // Buffers are small; their initialiser tells the dtype (num_batches_tracked is int32).
    for (const [n, s] of Object.entries(m.stateSpecs)) state[n] = metaTensor(s.shape, s.init(key(0), s.shape).dtype);
    for (const [n, c] of m.children) {
      const [p, st] = visit(c);
      if (Object.keys(p).length) params[n] = p;
      if (Object.keys(st).length) state[n] = st;
    }
    return [params, state];
  };
  const [params, state] = visit(model);
  return { params, state } as nn.Variables;
};

/** [name, shape, dtype] of every state_dict entry, in state_dict order (dtype as rivulet keeps it). */
export const stateDictSpec = (model: nn.AnyModule): [string, number[], string][] =>
  Object.entries(nn.stateDict(model as unknown as nn.Module, metaVariables(model))).map(([k, t]) => [k, [...t.shape], t.dtype]);

/** d2l's loop over a Sequential: each child's kind and output shape, by shape inference. */
export const shapeListing = (model: nn.Sequential, input: readonly number[]): [string, number[]][] => {
  let x = metaTensor(input);
  return model.children.map(([, layer]) => {
    const v = metaVariables(layer);
    x = (layer as unknown as nn.Module).forward(v.params, x, { state: v.state });
    return [layer.kind, [...x.shape]];
  });
};

/** The top-level children's output shapes from nn.summary (run by shape inference): [path, kind, shape]. */
export const childListing = (model: nn.Module, input: readonly number[]): { rows: [string, string, number[]][]; output: number[] } => {
  const text = nn.summary(model, metaTensor(input), { variables: metaVariables(model as unknown as nn.AnyModule) });
  const rows: [string, string, number[]][] = [];
  let output: number[] = [];
  for (const line of text.split("\n")) {
    const child = /^ {2}(\w+) \((\w+)\)\s+\[([\d, ]*)\]/.exec(line);
    if (child) rows.push([child[2]!, child[1]!, JSON.parse(`[${child[3]}]`) as number[]]);
    const root = /^(\w+)\s+\[([\d, ]*)\]/.exec(line);
    if (root && !line.startsWith("Layer") && !line.startsWith("Total") && !line.startsWith("Input")) output = JSON.parse(`[${root[2]}]`) as number[];
  }
  return { rows, output };
};
