// Curriculum section "层和块" (layers and blocks): Sequential, a custom MLP block, MySequential, FixedHiddenMLP, NestMLP.
//
// A PyTorch nn.Module subclass holds its layers in __init__ and computes in forward. Here a block is a value made by
// `nn.defineModule({ kind, children, forward })`: children are named sub-modules, and `forward` receives them as
// functions. Parameters live outside, in the record `init(key)` returns, so one block can run with many parameter sets.
// Weights and inputs come from rivulet's keys, so values differ from PyTorch's; shapes and structure are the same.
import { nn, key, split, rand, relu, mm, type Tensor } from "../src/index.js";

const [kNet, kX, kMlp, kSeq, kFixed, kChimera] = split(key(0), 6);
const X = rand(kX!, [2, 20]); // torch.rand(2, 20)
const lin = (inFeatures: number, outFeatures: number) => nn.linear({ inFeatures, outFeatures });
const expectShape = (t: Tensor, shape: number[], what: string) => {
  if (t.shape.join() !== shape.join()) throw new Error(`${what}: expected shape [${shape}], got [${t.shape}]`);
};

// ---- nn.Sequential: 256 hidden units with ReLU, then 10 outputs ---------------------------------------------------------
const net = nn.sequential([lin(20, 256), nn.relu(), lin(256, 10)]);
const netOut = net.forward(net.init(kNet!).params, X);
console.log("net(X) =", String(netOut)); // shape [2, 10]
expectShape(netOut, [2, 10], "net(X)");

// ---- 自定义块: MLP with a hidden layer and an output layer ---------------------------------------------------------------
const MLP = () =>
  nn.defineModule({
    kind: "MLP",
    children: { hidden: lin(20, 256), out: lin(256, 10) },
    forward: ({ children }, X: Tensor) => children.out(relu(children.hidden(X))), // F.relu between the two
  });
const mlp = MLP();
console.log(String(mlp));
const mlpOut = mlp.forward(mlp.init(kMlp!).params, X);
console.log("MLP()(X) =", String(mlpOut));
expectShape(mlpOut, [2, 10], "MLP()(X)");

// ---- 顺序块: MySequential keeps its blocks in order and applies them one after another --------------------------------
// PyTorch stores them in self._modules; here they are the children, named "0", "1", … as nn.Sequential names them.
const MySequential = (...blocks: nn.Layer[]) =>
  nn.defineModule({
    kind: "MySequential",
    children: Object.fromEntries(blocks.map((b, i) => [String(i), b])),
    forward: ({ children }, X: Tensor) =>
      blocks.reduce((h, block, i) => {
        console.log("  block:", String(block)); // the notes print each block as it runs
        return children[String(i)]!(h) as Tensor;
      }, X),
  });
const mySeq = MySequential(lin(20, 256), nn.relu(), lin(256, 10));
const seqParams = mySeq.init(kSeq!).params;
const mySeqOut = mySeq.forward(seqParams, X);
console.log("MySequential(X) =", String(mySeqOut));
// Same children names as nn.Sequential, so the same parameters give the same output.
const builtIn = nn.sequential([lin(20, 256), nn.relu(), lin(256, 10)]).forward(seqParams, X);
if (!mySeqOut.eq(builtIn).dataSync().every(Boolean)) throw new Error("MySequential and nn.Sequential differ on the same parameters");

// ---- 正向传播中执行代码: FixedHiddenMLP -----------------------------------------------------------------------------------
// A constant random weight (not a parameter: it is never trained), one linear layer used twice (shared parameters),
// and ordinary control flow on values: halve until the absolute sum is at most 1.
const FixedHiddenMLP = () => {
  const randWeight = rand(kFixed!, [20, 20]); // requires_grad=False: simply a tensor the forward closes over
  return nn.defineModule({
    kind: "FixedHiddenMLP",
    children: { linear: lin(20, 20) },
    forward: ({ children }, X: Tensor) => {
      let h = children.linear(X);
      h = relu(mm(h, randWeight.add(1)));
      h = children.linear(h); // the same layer again
      while (h.abs().sum().item() > 1) h = h.div(2);
      return h.sum();
    },
  });
};
const fixed = FixedHiddenMLP();
const fixedOut = fixed.forward(fixed.init(kFixed!).params, X);
console.log("FixedHiddenMLP()(X) =", String(fixedOut)); // one number of absolute value at most 1
console.log("its parameters:", nn.namedParameters(fixed.init(kFixed!).params).map(([n, p]) => `${n} [${p.shape}]`).join(", "));
expectShape(fixedOut, [], "FixedHiddenMLP()(X)");
if (!(Math.abs(fixedOut.item()) <= 1)) throw new Error(`FixedHiddenMLP must return |sum| <= 1, got ${fixedOut.item()}`);

// ---- 混合组合块: NestMLP inside a Sequential with a Linear and a FixedHiddenMLP ----------------------------------------------
const NestMLP = () =>
  nn.defineModule({
    kind: "NestMLP",
    children: { net: nn.sequential([lin(20, 64), nn.relu(), lin(64, 32), nn.relu()]), linear: lin(32, 16) },
    forward: ({ children }, X: Tensor) => children.linear(children.net(X)),
  });
// A FixedHiddenMLP returns a scalar, not a [N, features] tensor; it still fits as the last stage.
const chimera = nn.sequential([NestMLP(), lin(16, 20), FixedHiddenMLP()]);
console.log(String(chimera));
const chimeraOut = chimera.forward(chimera.init(kChimera!).params, X);
console.log("chimera(X) =", String(chimeraOut));
expectShape(chimeraOut, [], "chimera(X)");
