// Curriculum section "自定义层" (custom layers): a layer without parameters (CenteredLayer) and one with (MyLinear).
//
// A PyTorch layer subclasses nn.Module; here it is `nn.defineModule({ kind, params, forward })`. Its parameters are
// declared with their shape and initialiser (nn.Parameter(torch.randn(...)) is `{ shape, init: nn.init.normal() }`),
// made by `init(key)` and handed to `forward` — the layer value itself holds no tensors.
// Random values come from rivulet's keys; the CenteredLayer output asserted below is PyTorch 1.13's.
import { nn, key, split, rand, tensor, relu, matmul, grad, sum, type Tensor } from "../src/index.js";

const [kNet, kY, kDense, kX, kNet2, kX2] = split(key(0), 6);

// ---- 不带参数的层: CenteredLayer subtracts the mean -------------------------------------------------------------------
const CenteredLayer = () => nn.defineModule({ kind: "CenteredLayer", forward: (_ctx, X: Tensor) => X.sub(X.mean()) });
const layer = CenteredLayer();
const centered = layer.forward({}, tensor([1, 2, 3, 4, 5])); // no parameters: an empty record
console.log("layer([1, 2, 3, 4, 5]) =", String(centered)); // PyTorch: tensor([-2., -1.,  0.,  1.,  2.])
if (String(centered) !== "tensor([-2., -1.,  0.,  1.,  2.])") throw new Error(`expected PyTorch's tensor([-2., -1.,  0.,  1.,  2.]), got ${centered}`);

// 将层作为组件合并到更复杂的模型中: after a Linear, the output's mean is zero up to rounding.
const net = nn.sequential([nn.linear({ inFeatures: 8, outFeatures: 128 }), CenteredLayer()]);
console.log(String(net));
const Y = net.forward(net.init(kNet!).params, rand(kY!, [4, 8]));
console.log("Y.mean() =", Y.mean().item()); // about 1e-9, like PyTorch's tensor(7.4506e-09, ...)
if (!(Math.abs(Y.mean().item()) < 1e-6)) throw new Error(`expected a mean of about 0, got ${Y.mean().item()}`);

// ---- 带参数的层: MyLinear with its own weight [in_units, units] and bias [units], both N(0, 1), then ReLU -------------------
const MyLinear = (inUnits: number, units: number) =>
  nn.defineModule({
    kind: "MyLinear",
    config: { inUnits, units },
    params: { weight: { shape: [inUnits, units], init: nn.init.normal() }, bias: { shape: [units], init: nn.init.normal() } },
    // The notes read .data here, which hides the parameters from autograd; using them directly keeps them trainable.
    forward: ({ params }, X: Tensor) => relu(matmul(X, params.weight).add(params.bias)),
  });
const dense = MyLinear(5, 3);
const denseParams = dense.init(kDense!).params;
console.log("dense.weight =", String(denseParams.weight!));
// 使用自定义层直接执行正向传播计算
const denseOut = dense.forward(denseParams, rand(kX!, [2, 5]));
console.log("dense(torch.rand(2, 5)) =", String(denseOut));
if (denseOut.shape.join() !== "2,3" || denseOut.min().item() < 0) throw new Error(`expected a [2, 3] output of ReLU, got ${denseOut}`);
// The parameters are ordinary leaves of the params record, so gradients reach them.
const g = grad((p: nn.Params) => sum(dense.forward(p, rand(kX!, [2, 5]))))(denseParams);
console.log("gradient shapes:", nn.namedParameters(g).map(([n, t]) => `${n} [${t.shape}]`).join(", "));

// 使用自定义层构建模型
const net2 = nn.sequential([MyLinear(64, 8), MyLinear(8, 1)]);
console.log(String(net2));
const out2 = net2.forward(net2.init(kNet2!).params, rand(kX2!, [2, 64]));
console.log("net(torch.rand(2, 64)) =", String(out2));
if (out2.shape.join() !== "2,1") throw new Error(`expected a [2, 1] output, got [${out2.shape}]`);
