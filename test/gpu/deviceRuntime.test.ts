// The bridge between Effect and Promises/streams: device layers, the DeviceRuntime, and step scopes as Effect scopes.
import { afterAll, describe, expect, it } from "vitest";
import { Effect, Layer } from "effect";
import {
  Device, DeviceLost, GpuUnavailable, cpuDevice, deviceRuntime, makeDeviceRuntime, openDevice, runStep, stepScope, hasScopedMemory, tensor,
  type Tensor,
} from "../../src/index.js";
import type { WebGpuBackend } from "../../src/gpu/webgpuBackend.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

describe("the device runtime on the CPU (no adapter needed)", () => {
  it("openDevice is a runtime built from Device.layer: programs on the Device service run there", async () => {
    const runtime = await openDevice("cpu");
    expect(runtime.device).toBe(cpuDevice);
    expect(await runtime.runPromise(Effect.map(Device, (d) => d.name))).toBe("cpu");
    expect(runtime.runSync(Effect.map(Device, (d) => d === cpuDevice))).toBe(true);
    // Code that holds only the device (a stream, a step) reaches the runtime that opened it, until it is closed.
    expect(deviceRuntime(cpuDevice)).toBe(runtime);
    await runtime.close();
    expect(deviceRuntime(cpuDevice)).not.toBe(runtime);
    await expect(openDevice("gpu" as "cpu")).rejects.toThrow(/unknown device "gpu" \(expected "auto", "cpu" or "webgpu"\)/);
  });

  it("a step on the CPU runs in a step scope; runStep and stepScope pass values and failures through", async () => {
    const runtime = await makeDeviceRuntime(Device.cpu);
    expect(hasScopedMemory(cpuDevice)).toBe(true); // its released arrays are recycled (test/ops/cpuStepScope.test.ts)
    expect(runtime.step(() => 41 + 1)).toBe(42);
    expect(await runtime.runPromise(runStep(() => "done"))).toBe("done");
    await expect(runtime.runPromise(stepScope(Effect.fail(new GpuUnavailable({ reason: "r", message: "boom" }))))).rejects.toThrow("boom");
    await runtime.close();
  });

  it("a layer that fails rejects makeDeviceRuntime with its typed error", async () => {
    const failing = Layer.effect(Device, Effect.fail(new GpuUnavailable({ reason: "no adapter", message: "webgpu: none here" })));
    const err = await makeDeviceRuntime(failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuUnavailable);
  });
});

describe.skipIf(!gpu.device)("the device runtime on WebGPU", () => {
  it("step releases what the step made except its result, donates, and releases everything when the step throws", () => {
    const dev = gpu.device!;
    const runtime = deviceRuntime(dev);
    expect(runtime.device).toBe(dev);
    const x = tensor([1, 2, 3, 4], { device: dev });
    const live0 = dev.stats().liveBytes;
    const y = runtime.step(() => x.mul(2).add(1).exp().log());
    expect(dev.stats().liveBytes - live0).toBe(256); // y alone (one size class)
    const z = runtime.step(() => y.add(1), { donate: y });
    expect(dev.stats().liveBytes - live0).toBe(256); // z replaced the donated y
    expect(() => runtime.step(() => {
      z.mul(3);
      throw new Error("step failed");
    }, { donate: z })).toThrow("step failed");
    expect(dev.stats().liveBytes - live0).toBe(256); // the temporary went, z stayed (nothing is donated by a failure)
    expect(() => y.add(1)).toThrow(/released/);
    return z.array().then((v) => expect(v).toEqual([4, 6, 8, 10]));
  });

  it("nested step scopes hand what the inner one keeps to the outer one", () => {
    const dev = gpu.device!;
    const runtime = deviceRuntime(dev);
    const live0 = dev.stats().liveBytes;
    let inner: Tensor | undefined;
    const outer = runtime.step(() => {
      inner = runtime.step(() => tensor([1, 2], { device: dev }).mul(2));
      return inner.add(1);
    });
    expect(dev.stats().liveBytes - live0).toBe(256);
    expect(() => inner!.add(1)).toThrow(/released/); // kept by the inner scope, released by the outer one
    expect(outer.device).toBe(dev);
  });

  it("a runtime from Device.webgpu owns its device: close destroys it", async () => {
    const runtime = await makeDeviceRuntime(Device.webgpu({ allowSoftware: true }));
    const dev = runtime.device as WebGpuBackend;
    expect(dev.name).toBe("webgpu");
    expect(deviceRuntime(dev)).toBe(runtime);
    expect(await runtime.runPromise(runStep(() => tensor([1, 2], { device: dev }).mul(3)).pipe(Effect.flatMap((t) => Effect.promise(() => t.array()))))).toEqual([3, 6]);
    await runtime.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(() => tensor([1], { device: dev })).toThrow(DeviceLost);
  });
});
