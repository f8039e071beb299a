// Curriculum section "损失函数与反向传播" (loss functions and backpropagation): L1Loss, MSELoss and CrossEntropyLoss on small worked inputs (PyTorch's exact numbers), then the gradients of the notes' network on a CIFAR-10 batch.
//
// PyTorch calls loss.backward() and leaves a .grad on every parameter. rivulet's valueAndGrad returns the loss and
// a gradient pytree shaped like the parameters: the same numbers, as a value, with nothing to zero afterwards.
import {
  cifar10, crossEntropy, grad, key, l1Loss, loader, mseLoss, nn, norm, reshape, tensor, transforms, treeLeavesWithPaths, valueAndGrad,
  type Tensor,
} from "../src/index.js";
import { cifar10Source } from "./_standIns.js";

const quick = process.argv.includes("--quick");
const expectClose = (name: string, got: Tensor, want: number[], tol = 1e-6) => {
  const g = Array.from(got.dataSync());
  console.log(`${name} = ${got.toString()}`);
  if (g.length !== want.length || g.some((v, i) => Math.abs(v - want[i]!) > tol)) throw new Error(`${name}: expected ${want} (PyTorch), got ${g}`);
};

// ---- L1Loss and MSELoss: output [1, 2, 3] against target [1, 2, 5] ---------------------------------------------------
const inputs = reshape(tensor([1, 2, 3]), [1, 1, 1, 3]);
const targets = reshape(tensor([1, 2, 5]), [1, 1, 1, 3]);
expectClose("L1Loss (mean)", l1Loss(inputs, targets), [2 / 3]); // (0 + 0 + 2) / 3
expectClose("L1Loss (sum)", l1Loss(inputs, targets, { reduction: "sum" }), [2]);
expectClose("MSELoss", mseLoss(inputs, targets), [4 / 3]); // (0 + 0 + 2²) / 3
expectClose("d MSELoss / d output", grad((x: Tensor) => mseLoss(x, targets))(inputs), [0, 0, -4 / 3]); // 2(x − y) / 3

// ---- CrossEntropyLoss: logits [0.1, 0.2, 0.3] for one sample of class 1 -------------------------------------------------
// loss = −x[class] + log Σ exp(x) = −0.2 + log(e^0.1 + e^0.2 + e^0.3)
const x = reshape(tensor([0.1, 0.2, 0.3]), [1, 3]);
const y = tensor([1], { dtype: "int32" });
expectClose("CrossEntropyLoss", crossEntropy(x, y), [1.1019428968429565]);
// Its gradient is softmax(x) − one_hot(y): the quantity backpropagation starts from.
expectClose("d CrossEntropyLoss / d logits", grad((l: Tensor) => crossEntropy(l, y))(x), [0.3006095886230469, -0.66777503490448, 0.36716538667678833]);

// ---- The notes' network on CIFAR-10: loss of a batch and the gradient of every parameter -----------------------------
const modulePrac = nn.defineModule({
  kind: "ModulePrac",
  children: {
    module1: nn.sequential([
      nn.conv2d({ inChannels: 3, outChannels: 32, kernelSize: 5, padding: 2 }), nn.maxPool2d({ kernelSize: 2 }),
      nn.conv2d({ inChannels: 32, outChannels: 32, kernelSize: 5, padding: 2 }), nn.maxPool2d({ kernelSize: 2 }),
      nn.conv2d({ inChannels: 32, outChannels: 64, kernelSize: 5, padding: 2 }), nn.maxPool2d({ kernelSize: 2 }),
      nn.flatten(), nn.linear({ inFeatures: 1024, outFeatures: 64 }), nn.linear({ inFeatures: 64, outFeatures: 10 }),
    ]),
  },
  forward: ({ children }, x: Tensor) => children.module1(x),
});
const { params } = modulePrac.init(key(0)); // random: these losses differ from PyTorch's run, their size does not (≈ ln 10)
type Params = typeof params;

const { root, download } = cifar10Source();
const dataset = await cifar10({ root, train: false, transform: transforms.toTensor(), download });
const dataloader = loader(dataset, { batchSize: 64 });
const limit = quick ? 1 : 3;
let step = 0;
for await (const { input: imgs, target: tgts } of dataloader.epoch(0)) {
  if (step++ >= limit) break;
  // loss_res = loss(outputs, targets); loss_res.backward()
  const [lossRes, grads] = valueAndGrad((p: Params) => crossEntropy(modulePrac.forward(p, imgs), tgts))(params);
  console.log(`batch ${step}: loss ${lossRes.item().toFixed(4)}`);
  if (step === 1) {
    // What the debugger shows under module1 → 0 → weight → grad, for every parameter.
    for (const { path, tensor: g } of treeLeavesWithPaths(grads)) console.log(`  grad of ${path.padEnd(18)} ${JSON.stringify(g.shape).padEnd(16)} norm ${norm(g).item().toExponential(3)}`);
    const shapes = treeLeavesWithPaths(grads).map((l) => l.tensor.shape.join("x"));
    const want = treeLeavesWithPaths(params).map((l) => l.tensor.shape.join("x"));
    if (shapes.join() !== want.join()) throw new Error(`gradients must have the parameters' shapes: ${shapes} vs ${want}`);
  }
  if (!(Math.abs(lossRes.item() - Math.log(10)) < 0.5)) throw new Error(`an untrained 10-class network's loss should be near ln 10, got ${lossRes.item()}`);
}
console.log("ok");
