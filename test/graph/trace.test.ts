// trace: the recorded autodiff nodes of one run read back as a graph, with op types, edges, shapes and scopes.
import { describe, expect, it } from "vitest";
import { trace, tensor, ones, relu, matmul, add, sum, conv2d, type Tensor, type ScopeCall } from "../../src/index.js";

describe("trace", () => {
  it("lists each op once, inputs before consumers, with its type, edges, shape and parameters", () => {
    const w = ones([3, 2]);
    const g = trace((x: Tensor) => sum(relu(matmul(x, w)), 1), [ones([4, 3])]);
    const ops = g.nodes.map((n) => n.op);
    expect(ops).toEqual(["Input", "reshape", "Constant", "matmul", "reshape", "relu", "sum", "reshape"]);
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    g.nodes.forEach((n, i) => n.inputs.forEach((inp) => expect(g.nodes.findIndex((m) => m.name === inp)).toBeLessThan(i)));
    const mm = g.nodes.find((n) => n.op === "matmul")!;
    expect(mm.inputs.map((i) => byName.get(i)!.op)).toEqual(["reshape", "Constant"]);
    expect(mm.attributes).toBe("transA=false, transB=false");
    expect(g.nodes.find((n) => n.op === "sum")!.attributes).toBe("axes=[1]");
    expect(g.nodes[0]).toMatchObject({ name: "input/input", kind: "input", shape: [4, 3], dtype: "float32" });
    expect(g.outputs).toEqual([g.nodes[g.nodes.length - 1]!.name]);
    expect(byName.get(g.outputs[0]!)!.shape).toEqual([4]);
  });

  it("names several arguments and pytree leaves, marks parameter arguments, and shares nodes used twice", () => {
    const params = { w: ones([2, 2]), b: tensor([1, 2]) };
    const g = trace((p: typeof params, x: Tensor) => add(matmul(x, p.w), p.b).add(x), [params, ones([1, 2])], { argNames: ["params", "x"], parameterArgs: [0] });
    const leaves = g.nodes.filter((n) => n.kind !== "op").map((n) => [n.name, n.kind]);
    expect(leaves).toEqual([["input/x", "input"], ["w", "parameter"], ["b", "parameter"]]);
    // x feeds both the matmul (through a reshape) and the final add: one node, two consumers.
    expect(g.nodes.filter((n) => n.inputs.includes("input/x"))).toHaveLength(2);
  });

  it("groups ops under the scopes the function reports, innermost first", () => {
    const k = ones([1, 1, 3, 3]);
    const calls: ScopeCall[] = [];
    const g = trace(
      (x: Tensor) => {
        const conv = conv2d(x, k);
        calls.push({ scope: "Net/Conv2d[conv]", outputs: conv });
        const out = relu(conv);
        calls.push({ scope: "Net", outputs: out });
        return out;
      },
      [ones([1, 1, 5, 5])],
      { scopes: () => calls },
    );
    expect(g.nodes.filter((n) => n.kind === "op" && n.op !== "relu").every((n) => n.name.startsWith("Net/Conv2d[conv]/"))).toBe(true);
    expect(g.nodes.find((n) => n.op === "relu")!.name).toMatch(/^Net\/relu_\d+$/);
    expect(g.nodes.find((n) => n.kind === "input")!.name).toBe("input/input");
  });

  it("with a call's inputs known, stops the scope exactly there", () => {
    const calls: ScopeCall[] = [];
    const g = trace(
      (x: Tensor) => {
        const pre = relu(x); // the parent's op, before the child runs
        const child = pre.mul(2);
        const out = child.add(1);
        calls.push({ scope: "P/C[0]", outputs: child, inputs: pre }, { scope: "P", outputs: out });
        return out;
      },
      [ones([2])],
      { scopes: () => calls },
    );
    expect(g.nodes.find((n) => n.op === "relu")!.name).toMatch(/^P\/relu/);
    expect(g.nodes.find((n) => n.op === "mul")!.name).toMatch(/^P\/C\[0\]\/mul/);
    expect(g.nodes.find((n) => n.op === "add")!.name).toMatch(/^P\/add/);
  });

  it("names what is wrong", () => {
    expect(() => trace((x: Tensor) => x.shape.length, [ones([1])])).toThrow(/returned no tensors \(got number\)/);
    expect(() => trace(42 as never, [])).toThrow(/expected a function/);
  });
});
