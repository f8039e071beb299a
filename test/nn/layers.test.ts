// nn layers against PyTorch: state_dict names/shapes, printing, and outputs/gradients/state with PyTorch's weights loaded by name.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nn, key, grad, mul, sum, type Tensor } from "../../src/index.js";
import { expectClose, fromJson, type TensorJson } from "../_harness.js";
import { numericModels, structures } from "./_models.js";

interface Structure {
  readonly name: string;
  readonly stateDict: [string, number[], string][];
  readonly namedParameters: string[];
  readonly parameterCount: number;
  readonly repr: string;
  readonly shapes?: [string, number[]][];
}

interface Step {
  readonly inputs: TensorJson[];
  readonly training: boolean;
  readonly output: TensorJson;
  readonly state?: Record<string, TensorJson>;
  readonly cotangent?: TensorJson;
  readonly grads?: Record<string, TensorJson>;
  readonly inputGrads?: TensorJson[];
}

interface Numeric {
  readonly name: string;
  readonly stateDict: Record<string, TensorJson>;
  readonly steps: Step[];
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/nn_modules.json", import.meta.url)), "utf8")) as {
  structures: Structure[];
  numeric: Numeric[];
};

describe("nn module structure matches PyTorch", () => {
  const models = structures();
  for (const s of fixture.structures) {
    it(`${s.name}: state_dict keys, shapes, named_parameters, parameter count and print(model)`, () => {
      const model = models[s.name]!;
      expect(model, s.name).toBeDefined();
      const variables = model.init(key(0));
      const sd = nn.stateDict(model, variables);
      expect(Object.entries(sd).map(([k, t]) => [k, [...t.shape], t.dtype])).toEqual(s.stateDict);
      expect(nn.namedParameters(variables.params).map(([n]) => n)).toEqual(s.namedParameters);
      expect(nn.parameterCount(variables.params)).toBe(s.parameterCount);
      expect(String(model)).toBe(s.repr);
    });
  }

  it("LeNet: each layer's output shape is d2l's, and the total is 61,706 parameters", () => {
    const s = fixture.structures.find((x) => x.name === "lenet")!;
    const text = nn.summary(models.lenet as nn.Module, [1, 1, 28, 28]);
    const rows = text.split("\n").filter((l) => /^ {2}\S/.test(l));
    expect(rows.map((r) => r.trim().split(" ")[0])).toEqual(s.shapes!.map(([kind]) => kind));
    s.shapes!.forEach(([, shape], i) => expect(rows[i]).toContain(`[${shape.join(", ")}]`));
    expect(text).toContain("Total params: 61,706");
    expect(rows[1]).toMatch(/Conv2d \(1\)\s+\[1, 6, 28, 28\]\s+156$/);
  });
});

const tol = { atol: 2e-5, rtol: 2e-4 };

describe("nn modules compute what PyTorch computes with the same weights", () => {
  const models = numericModels();
  for (const c of fixture.numeric) {
    it(`${c.name}: outputs, gradients and running statistics`, () => {
      const { model, input } = models[c.name]!;
      const dict = Object.fromEntries(Object.entries(c.stateDict).map(([k, t]) => [k, fromJson(t)]));
      let variables = nn.loadStateDict(model, model.init(key(0)), dict);
      expect(Object.keys(nn.stateDict(model, variables))).toEqual(Object.keys(c.stateDict));
      c.steps.forEach((st, i) => {
        const xs = st.inputs.map(fromJson);
        const { output, state } = model.apply(variables, input(xs), { training: st.training });
        expectClose(output, st.output, tol, `${c.name} step ${i} output`);
        if (st.state) {
          const sd = nn.stateDict(model, { params: variables.params, state });
          for (const [k, t] of Object.entries(st.state)) expectClose(sd[k]!, t, tol, `${c.name} step ${i} ${k}`);
        }
        if (st.grads && st.cotangent) {
          const cot = fromJson(st.cotangent);
          const floatIdx = xs.flatMap((x, j) => (x.dtype === "float32" ? [j] : []));
          const g = grad((args: { p: nn.Params; xs: Tensor[] }) => {
            const all = xs.map((x, j) => (floatIdx.includes(j) ? args.xs[floatIdx.indexOf(j)]! : x));
            return sum(mul(model.apply({ params: args.p, state: variables.state }, input(all), { training: st.training }).output, cot));
          })({ p: variables.params, xs: floatIdx.map((j) => xs[j]!) });
          const named = Object.fromEntries(nn.namedParameters(g.p));
          expect(Object.keys(named)).toEqual(Object.keys(st.grads));
          for (const [k, t] of Object.entries(st.grads)) expectClose(named[k]!, t, tol, `${c.name} step ${i} grad of ${k}`);
          st.inputGrads!.forEach((t, j) => expectClose(g.xs[j]!, t, tol, `${c.name} step ${i} grad of input ${j}`));
        }
        variables = { params: variables.params, state };
      });
    });
  }
});
