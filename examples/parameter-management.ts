// Curriculum sections "参数管理" and "嵌套块" (parameter management, nested blocks): access, names, nesting, initialisation.
//
// In PyTorch parameters live inside the modules (net[2].bias, .data, .grad). In rivulet a model is a description and its
// parameters are a separate record whose paths are PyTorch's state_dict names: `nn.stateDict`, `nn.namedParameters`
// read it, and initialising or editing parameters makes a new record (`nn.reinit`, or plain object spread).
// Random values come from rivulet's keys; names, shapes, printed structure and the deterministic outputs below are
// PyTorch 1.13's.
import {
  nn, key, split, rand, arange, uniform, where, logicalAnd, type Tensor,
} from "../src/index.js";

const [kNet, kX, kRg, kNormal, kXavier, kMy] = split(key(0), 6);
const same = <T>(a: T, b: T, what: string) => {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: expected ${JSON.stringify(b)} (PyTorch), got ${JSON.stringify(a)}`);
};

// ---- 参数访问 ----------------------------------------------------------------------------------------------------------
const net = nn.sequential([nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu(), nn.linear({ inFeatures: 8, outFeatures: 1 })]);
const variables = net.init(kNet!);
const X = rand(kX!, [2, 4]); // torch.rand(size=(2, 4))
console.log("net(X) =", String(net.forward(variables.params, X)));

// net[2].state_dict(): the last layer's own entries, under its own (short) names.
const out = net.at(2);
const outVariables = { params: variables.params["2"] as nn.Params, state: {} };
const sd2 = nn.stateDict(out, outVariables);
console.log("net[2].state_dict():", Object.entries(sd2).map(([k, v]) => `${k}: ${String(v)}`).join("\n  "));
same(Object.keys(sd2), ["weight", "bias"], "net[2].state_dict() keys");
// type(net[2].bias) is nn.Parameter in PyTorch; here a parameter is a plain (immutable) Tensor in the record.
const bias = sd2.bias!;
console.log("net[2].bias:", String(bias), " shape", bias.shape, " dtype", bias.dtype);
// net[2].weight.grad is None before backward(): in rivulet no tensor carries a gradient at all — grad(f)(params)
// returns a separate record with the same paths (see autograd.ts and shared-parameters.ts).

// named_parameters(): one layer's, then the whole network's (the ReLU at index 1 has none).
const named0 = nn.namedParameters(variables.params["0"] as nn.Params).map(([n, p]) => [n, p.shape]);
const namedAll = nn.namedParameters(variables.params).map(([n, p]) => [n, p.shape]);
console.log(...named0.map((e) => `(${e[0]}, [${e[1]}])`));
console.log(...namedAll.map((e) => `(${e[0]}, [${e[1]}])`));
same(named0, [["weight", [8, 4]], ["bias", [8]]], "net[0].named_parameters()");
same(namedAll, [["0.weight", [8, 4]], ["0.bias", [8]], ["2.weight", [1, 8]], ["2.bias", [1]]], "net.named_parameters()");
console.log("net.state_dict()['2.bias'] =", String(nn.stateDict(net, variables)["2.bias"]!));

// ---- 嵌套块: block2 holds four block1s, added by name -----------------------------------------------------------------
const block1 = () =>
  nn.sequential([nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu(), nn.linear({ inFeatures: 8, outFeatures: 4 }), nn.relu()]);
const block2 = () => {
  let net = nn.sequential();
  for (let i = 0; i < 4; i++) net = net.addModule(`block${i}`, block1()); // add_module returns a new Sequential
  return net;
};
const rgnet = nn.sequential([block2(), nn.linear({ inFeatures: 4, outFeatures: 1 })]);
const rgVariables = rgnet.init(kRg!);
console.log("rgnet(X) =", String(rgnet.forward(rgVariables.params, X)));
console.log(String(rgnet));
// print(rgnet) in PyTorch 1.13, character for character:
const torchRepr = [
  "Sequential(", "  (0): Sequential(",
  ...[0, 1, 2, 3].flatMap((i) => [
    `    (block${i}): Sequential(`,
    "      (0): Linear(in_features=4, out_features=8, bias=True)", "      (1): ReLU()",
    "      (2): Linear(in_features=8, out_features=4, bias=True)", "      (3): ReLU()", "    )",
  ]),
  "  )", "  (1): Linear(in_features=4, out_features=1, bias=True)", ")",
].join("\n");
same(String(rgnet), torchRepr, "print(rgnet)");
// rgnet[0][1][0].bias: the first layer of the second block, by path.
console.log("rgnet[0][1][0].bias =", String(nn.stateDict(rgnet, rgVariables)["0.block1.0.bias"]!));

// ---- 内置初始化: net.apply(init_fn) is nn.reinit(model, params, key, { name: initializer }, { kinds }) ----------------------
// init_normal: weights N(0, 0.01²), biases 0
const normalInit = nn.reinit(net, variables.params, kNormal!, { weight: nn.init.normal({ std: 0.01 }), bias: nn.init.zeros() }, { kinds: ["Linear"] });
const sdN = nn.stateDict(net, { params: normalInit, state: {} });
console.log("init_normal:", String(sdN["0.weight"]!.select(0, 0)), String(sdN["0.bias"]!.select(0, 0)));
// init_constant: weights 1, biases 0 — then the output is deterministic and equals PyTorch's.
const constInit = nn.reinit(net, variables.params, kNormal!, { weight: nn.init.constant(1), bias: nn.init.zeros() }, { kinds: ["Linear"] });
const Xf = arange(8, undefined, 1, { dtype: "float32" }).reshape(2, 4).div(8);
const constOut = net.forward(constInit, Xf);
console.log("init_constant:", String(nn.stateDict(net, { params: constInit, state: {} })["0.weight"]!.select(0, 0)), " net(X) =", String(constOut));
same(Array.from(constOut.dataSync()), [6, 22], "net(arange(8).reshape(2, 4) / 8) with constant weights"); // PyTorch: [[6.], [22.]]

// Different initialisers for different blocks: Xavier for net[0], the constant 42 for net[2].
const xavierThen42 = nn.reinit(
  net,
  nn.reinit(net, variables.params, kXavier!, { weight: nn.init.xavierUniform() }, { where: (path) => path === "0" }),
  kXavier!,
  { weight: nn.init.constant(42) },
  { where: (path) => path === "2" },
);
const sdX = nn.stateDict(net, { params: xavierThen42, state: {} });
console.log("xavier net[0].weight[0] =", String(sdX["0.weight"]!.select(0, 0)), " net[2].weight =", String(sdX["2.weight"]!));
// Xavier uniform draws from ±sqrt(6 / (fan_in + fan_out)) = ±0.7071 for a 4 → 8 layer.
if (!(sdX["0.weight"]!.abs().max().item() <= Math.sqrt(6 / 12))) throw new Error("xavier_uniform_ exceeded its bound");

// ---- 自定义初始化: d2l's my_init — U(-10, 10), then zero every weight with |w| < 5 -----------------------------------------
const myInit: nn.Initializer = (k, shape) => {
  console.log("Init weight", shape); // the notes print each parameter as it is initialised
  const w = uniform(k, shape, { low: -10, high: 10 });
  return w.mul(w.abs().ge(5).astype("float32"));
};
const myParams = nn.reinit(net, variables.params, kMy!, { weight: myInit }, { kinds: ["Linear"] });
const myW = nn.stateDict(net, { params: myParams, state: {} })["0.weight"]!;
console.log("net[0].weight[:2] =", String(myW.slice([0, 2])));
if (!Array.from(myW.dataSync()).every((v) => v === 0 || Math.abs(v) >= 5)) throw new Error("my_init left a weight with 0 < |w| < 5");

// net[0].weight.data[:] += 1; net[0].weight.data[0, 0] = 42 — tensors never change, so build the new weight and a
// new params record around it (the old record is untouched).
// (There is no x.at[0, 0].set(42) yet: `where` with a mask that is true only at [0, 0] does it.)
const w0 = myW.add(1);
const first = (n: number) => arange(n).eq(0); // [true, false, false, ...]
const edited = where(logicalAnd(first(8).reshape(8, 1), first(4).reshape(1, 4)), 42, w0);
const editedParams = { ...myParams, 0: { ...(myParams["0"] as nn.Params), weight: edited } };
console.log("after += 1 and [0, 0] = 42:", String((editedParams[0] as { weight: Tensor }).weight.select(0, 0)));
same((editedParams[0] as { weight: Tensor }).weight.select(0, 0).dataSync()[0], 42, "weight[0, 0]");
