// Curriculum section "参数绑定" (tied parameters): one layer used twice in a Sequential.
//
// Putting the same layer value at two places of a model makes them share one set of parameters: the params record
// holds it once (under the first place it appears, "2"), the state_dict lists it under both names ("2.weight" and
// "4.weight", as PyTorch does), an update changes both, and its gradient is the sum of the gradients of both uses.
// The outputs and gradients asserted below (with constant weights, so they are deterministic) are PyTorch 1.13's.
import { nn, key, split, rand, arange, where, logicalAnd, sum, grad, sgd, applyUpdates, type Tensor } from "../src/index.js";

const close = (a: ArrayLike<number>, b: readonly number[]) => Array.from(a).every((v, i) => Math.abs(v - b[i]!) < 1e-5);
const [kNet, kX] = split(key(0));

// ---- 参数绑定 -------------------------------------------------------------------------------------------------------
const X = rand(kX!, [2, 4]);
const shared = nn.linear({ inFeatures: 8, outFeatures: 8 }); // 第2个隐藏层和第3个隐藏层共享权重
const net = nn.sequential([
  nn.linear({ inFeatures: 4, outFeatures: 8 }), nn.relu(),
  shared, nn.relu(),
  shared, nn.relu(),
  nn.linear({ inFeatures: 8, outFeatures: 1 }),
]);
let params = net.init(kNet!).params;
console.log("net(X) =", String(net.forward(params, X)));
console.log("params hold:", Object.keys(params).join(", "), "— the shared layer once, as '2'");
const sd = () => nn.stateDict(net, { params, state: {} });
console.log("state_dict keys:", Object.keys(sd()).join(", "));

// print(net[2].weight.data[0] == net[4].weight.data[0])
console.log("net[2].weight[0] == net[4].weight[0]:", String(sd()["2.weight"]!.select(0, 0).eq(sd()["4.weight"]!.select(0, 0))));

// net[2].weight.data[0, 0] = 100: change the one shared tensor (by making a new one), and both names see it.
const w = (params["2"] as { weight: Tensor }).weight;
const first = (n: number) => arange(n).eq(0);
const w100 = where(logicalAnd(first(8).reshape(8, 1), first(8).reshape(1, 8)), 100, w); // true only at [0, 0]
params = { ...params, 2: { ...(params["2"] as nn.Params), weight: w100 } };
console.log("after net[2].weight[0, 0] = 100:", String(sd()["2.weight"]!.select(0, 0).eq(sd()["4.weight"]!.select(0, 0))));
console.log("net[4].weight[0, 0] =", sd()["4.weight"]!.slice(0, 0).item());
if (sd()["4.weight"]!.slice(0, 0).item() !== 100) throw new Error("the shared weight must change under both names");

// ---- 共享参数的梯度: the gradient of a shared layer adds up both of its uses --------------------------------------------
// Constant weights 0.1 and biases 0.01 everywhere, and X = arange(8).reshape(2, 4) / 8, so PyTorch's numbers are exact.
const constant = nn.reinit(net, params, kNet!, { weight: nn.init.constant(0.1), bias: nn.init.constant(0.01) }, { kinds: ["Linear"] });
const Xf = arange(8, undefined, 1, { dtype: "float32" }).reshape(2, 4).div(8);
const out = net.forward(constant, Xf);
console.log("net(X) with constant weights =", String(out)); // PyTorch: [[0.0679], [0.1703]]
const g = grad((p: nn.Params) => sum(net.forward(p, Xf)))(constant); // out.sum().backward()
const g2 = g["2"] as { weight: Tensor; bias: Tensor };
console.log("grad of the shared weight, row 0:", String(g2.weight.select(0, 0)));
console.log("grad of the shared bias:", String(g2.bias));
console.log("grad of net[0].weight, row 0:", String((g["0"] as { weight: Tensor }).weight.select(0, 0)));
if (!close(out.dataSync() as Float32Array, [0.06792, 0.17032])) throw new Error(`net(X) differs from PyTorch's [[0.0679], [0.1703]]: ${out}`);
if (!close(g2.weight.select(0, 0).dataSync() as Float32Array, Array(8).fill(0.0612)) || !close(g2.bias.dataSync() as Float32Array, Array(8).fill(0.36)))
  throw new Error(`the shared layer's gradient differs from PyTorch's (0.0612 per weight, 0.36 per bias): ${g2.weight.select(0, 0)}, ${g2.bias}`);
if (!close((g["0"] as { weight: Tensor }).weight.select(0, 0).dataSync() as Float32Array, [0.032, 0.048, 0.064, 0.08]))
  throw new Error("net[0].weight's gradient differs from PyTorch's [0.032, 0.048, 0.064, 0.08]");

// ---- After an optimizer step the two places are still equal: there is only one tensor to update -------------------------
const opt = sgd({ lr: 0.1 });
const { updates } = opt.update(g, opt.init(constant), constant);
const stepped = nn.stateDict(net, { params: applyUpdates(constant, updates), state: {} });
console.log("after one SGD step, net[2].weight == net[4].weight:", stepped["2.weight"]!.eq(stepped["4.weight"]!).astype("float32").mean().item() === 1);
if (stepped["2.weight"] !== stepped["4.weight"]) throw new Error("the shared weight must be one tensor after an update");
