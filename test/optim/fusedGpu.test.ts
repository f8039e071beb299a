// On WebGPU the optimizers run their ops (the fused update is CPU-only): results stay on the device and agree with the CPU's fused update.
import { afterAll, describe, expect, it } from "vitest";
import { adagrad, adamw, applyUpdates, cpuDevice, key, randn, rmsprop, sgd, split, toDevice, treeLeavesWithPaths, type GradientTransformation, type Tensor } from "../../src/index.js";
import { expectClose } from "../_harness.js";
import { openTestGpu } from "../gpu/_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

describe.skipIf(!gpu.device)("optimizer updates on WebGPU", () => {
  it.each([
    ["adamw with amsgrad", adamw({ lr: 1e-2, weightDecay: 0.1, amsgrad: true })],
    ["sgd with nesterov momentum and weight decay", sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-2 })],
    ["centered rmsprop with momentum", rmsprop({ lr: 1e-2, momentum: 0.5, centered: true, weightDecay: 1e-2 })],
    ["adagrad with lr decay", adagrad({ lr: 0.1, lrDecay: 0.1, weightDecay: 1e-2 })],
  ] as const)("%s: on the device, the CPU's fused values within float32 rounding", async (_, opt) => {
    const o = opt as GradientTransformation<unknown>;
    const ks = split(key(4), 8);
    const dev = gpu.device!;
    expect(dev.updates).toBeUndefined();
    let cpu = { params: { w: randn(ks[0]!, [33, 5]), b: randn(ks[1]!, [5]) } as Record<string, Tensor>, state: undefined as unknown };
    cpu.state = o.init(cpu.params);
    let gp = { params: await toDevice(cpu.params, dev), state: await toDevice(cpu.state, dev) };
    for (let s = 0; s < 3; s++) {
      const grads = { w: randn(ks[2 + 2 * s]!, [33, 5]), b: randn(ks[3 + 2 * s]!, [5]) };
      const c = o.update(grads, cpu.state, cpu.params);
      const g = o.update(await toDevice(grads, dev), gp.state, gp.params);
      expect((g.updates as Record<string, Tensor>)["w"]!.device).toBe(dev);
      cpu = { params: applyUpdates(cpu.params, c.updates), state: c.state };
      gp = { params: applyUpdates(gp.params, g.updates), state: g.state };
    }
    const back = treeLeavesWithPaths(await toDevice([gp.params, gp.state], cpuDevice));
    treeLeavesWithPaths([cpu.params, cpu.state]).forEach((l, i) => expectClose(back[i]!.tensor, l.tensor, { atol: 1e-6, rtol: 1e-5 }, l.path));
  });
});
