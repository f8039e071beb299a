// Curriculum section "小型网络搭建和Sequential使用" (a small network with Sequential): three conv + max-pool stages and two linear layers; a batch of 64 gives [64, 10]; the graph goes to TensorBoard.
import { join } from "node:path";
import { key, nn, ones, openSummaryWriter, type Tensor } from "../src/index.js";
import { exampleDir } from "./_exampleDir.js";

// class ModulePrac(nn.Module): one child, module1, a Sequential; children are named 0, 1, 2… as in PyTorch's state_dict.
const modulePrac = nn.defineModule({
  kind: "ModulePrac",
  children: {
    module1: nn.sequential([
      nn.conv2d({ inChannels: 3, outChannels: 32, kernelSize: 5, padding: 2 }), // 32×32 kept by padding 2
      nn.maxPool2d({ kernelSize: 2 }), // → 16×16
      nn.conv2d({ inChannels: 32, outChannels: 32, kernelSize: 5, padding: 2 }),
      nn.maxPool2d({ kernelSize: 2 }), // → 8×8
      nn.conv2d({ inChannels: 32, outChannels: 64, kernelSize: 5, padding: 2 }),
      nn.maxPool2d({ kernelSize: 2 }), // → 4×4
      nn.flatten(), // 64 · 4 · 4 = 1024
      nn.linear({ inFeatures: 1024, outFeatures: 64 }),
      nn.linear({ inFeatures: 64, outFeatures: 10 }),
    ]),
  },
  forward: ({ children }, x: Tensor) => children.module1(x),
});
console.log(String(modulePrac));

const variables = modulePrac.init(key(0));
const { params } = variables;
const input1 = ones([64, 3, 32, 32]);
const output = modulePrac.forward(params, input1);
console.log("output.shape:", output.shape); // [64, 10]
if (output.shape.join() !== "64,10") throw new Error(`expected [64, 10], got [${output.shape}]`);

// Each layer's output shape, as a table (torchinfo-style); the parameter count is PyTorch's (sum of numel).
console.log(nn.summary(modulePrac, [64, 3, 32, 32]));
const count = nn.parameterCount(params);
console.log("parameters:", count);
if (count !== 145578) throw new Error(`PyTorch counts 145578 parameters, got ${count}`);

// writer.add_graph(module1, input1): the model traced once; TensorBoard's Graphs tab shows ModulePrac/Sequential[module1]/…
const logdir = exampleDir("sequential-and-graph");
const writer = await openSummaryWriter(logdir);
await writer.addGraph(modulePrac, input1, { variables });
await writer.close();
console.log(`view with: tensorboard --logdir ${logdir}`);
