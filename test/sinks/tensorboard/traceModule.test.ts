// Graph scopes for custom modules: ops a forward body runs before calling a child belong to the parent, not the child.
import { describe, expect, it } from "vitest";
import { nn, relu, ones, type Tensor } from "../../../src/index.js";
import { traceModule } from "../../../src/sinks/tensorboard/_traceModule.js";

describe("traceModule scopes", () => {
  it("puts relu(hidden(x)) under the parent and the linear layers under their own scopes", () => {
    const model = nn.defineModule({
      kind: "Net",
      children: { hidden: nn.linear({ inFeatures: 3, outFeatures: 4 }), out: nn.linear({ inFeatures: 4, outFeatures: 2 }) },
      forward: ({ children }, x: Tensor) => children.out(relu(children.hidden(x))),
    });
    const graph = traceModule(model, ones([2, 3]));
    const reluNode = graph.nodes.find((n) => n.op === "relu");
    expect(reluNode, "a relu node").toBeDefined();
    expect(reluNode!.name.startsWith("Net/")).toBe(true);
    expect(reluNode!.name).not.toContain("Linear[out]");
    expect(reluNode!.name).not.toContain("Linear[hidden]");
    expect(graph.nodes.some((n) => n.op === "matmul" && n.name.includes("Linear[out]"))).toBe(true);
    expect(graph.nodes.some((n) => n.op === "matmul" && n.name.includes("Linear[hidden]"))).toBe(true);
  });
});
