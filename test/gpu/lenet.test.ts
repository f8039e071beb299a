// The curriculum's LeNet on WebGPU: one training step matches the CPU, and 1,000 steps hold GPU memory flat with no dispose anywhere.
import { afterAll, describe, expect, it } from "vitest";
import {
  treeLeavesWithPaths, scalar, nn, key, randn, randint, crossEntropy, valueAndGrad, sgd, applyUpdates, cpuDevice, toDevice, deviceRuntime, type Backend, type Tensor,
} from "../../src/index.js";
import { expectClose } from "../_harness.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

// LeNet-5 as the curriculum builds it (d2l): sigmoid activations and average pooling.
const lenet = nn.sequential([
  nn.conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2 }), nn.sigmoid(),
  nn.avgPool2d({ kernelSize: 2, stride: 2 }),
  nn.conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5 }), nn.sigmoid(),
  nn.avgPool2d({ kernelSize: 2, stride: 2 }),
  nn.flatten(),
  nn.linear({ inFeatures: 16 * 5 * 5, outFeatures: 120 }), nn.sigmoid(),
  nn.linear({ inFeatures: 120, outFeatures: 84 }), nn.sigmoid(),
  nn.linear({ inFeatures: 84, outFeatures: 10 }),
]);

type Params = ReturnType<typeof lenet.init>["params"];
const opt = sgd({ lr: 0.9 });

const trainStep = (params: Params, state: ReturnType<typeof opt.init>, x: Tensor, y: Tensor) => {
  const [loss, grads] = valueAndGrad((p: Params) => crossEntropy(lenet.forward(p, x), y))(params);
  const { updates, state: next } = opt.update(grads, state, params);
  return { params: applyUpdates(params, updates), state: next, loss, grads };
};

const batch = (d: Backend) => ({
  x: randn(key(7), [2, 1, 28, 28]).to(d),
  y: randint(key(8), 0, 10, [2]).to(d),
});

describe.skipIf(!gpu.device)("LeNet on WebGPU", () => {
  it("one step (loss, gradients, SGD update) matches the CPU backend", async () => {
    const dev = gpu.device!;
    const { params } = lenet.init(key(0));
    const cpu = trainStep(params, opt.init(params), batch(cpuDevice).x, batch(cpuDevice).y);
    const p = await toDevice(params, dev);
    const { x, y } = batch(dev);
    const g = trainStep(p, opt.init(p), x, y);
    const back = await toDevice({ loss: g.loss, grads: g.grads, params: g.params }, cpuDevice);
    expectClose(back.loss, cpu.loss, { atol: 1e-5, rtol: 1e-4 }, "loss");
    const pairs = (a: unknown, b: unknown) => treeLeavesWithPaths(a).map((l, i) => [l, treeLeavesWithPaths(b)[i]!] as const);
    const gs = pairs(back.grads, cpu.grads);
    expect(gs.length).toBe(10);
    for (const [g, c] of gs) expectClose(g.tensor, c.tensor, { atol: 1e-5, rtol: 1e-3 }, `grad ${g.path}`);
    for (const [g, c] of pairs(back.params, cpu.params)) expectClose(g.tensor, c.tensor, { atol: 1e-5, rtol: 1e-4 }, `param ${g.path}`);
  });

  it("1,000 training steps keep allocated GPU bytes flat after the first, with no dispose in user code", async () => {
    const dev = gpu.device!;
    const { x, y } = batch(dev);
    const params = await toDevice(lenet.init(key(1)).params, dev);
    let carry = { params, state: opt.init(params), loss: scalar(0, { device: dev }) };
    const submissionsBefore = dev.stats().submissions;
    let afterFirst = 0;
    const losses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      // The previous carry is donated: the step's result replaces it, so its buffers are reused at once.
      carry = deviceRuntime(dev).step(() => {
        const { params, state, loss } = trainStep(carry.params, carry.state, x, y);
        return { params, state, loss };
      }, { donate: carry });
      if (i === 0) afterFirst = dev.stats().allocatedBytes;
      // Reading a metric now and then is what a training loop does; it also keeps the queue from running far ahead.
      if (i % 100 === 0 || i === 999) losses.push(((await carry.loss.data()) as Float32Array)[0]!);
      expect(dev.stats().allocatedBytes, `step ${i}`).toBe(afterFirst);
    }
    const s = dev.stats();
    expect(s.allocatedBytes).toBe(afterFirst);
    // Each step is a single submission (plus the ten readbacks' flushes).
    expect(s.submissions - submissionsBefore).toBeLessThanOrEqual(1000 + 10);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!); // it learns the batch
  }, 240_000);
});
