// The WebGPU device as an Effect service: selection, adapter info, typed errors, moving tensors, and step-scoped memory.
import { afterAll, describe, expect, it } from "vitest";
import { Effect, Exit } from "effect";
import {
  Device, GpuDevice, GpuUnavailable, ShaderCompilationError, GpuKernelError, DeviceLost, cpuDevice, gather, gpuInfo, deviceRuntime, openDevice, runStep,
  tensor, toDevice, adapterName, type DeviceChoice, type SelectDeviceOptions, type Tensor,
} from "../../src/index.js";
import type { WebGpuBackend } from "../../src/gpu/webgpuBackend.js";
import { PipelineCache } from "../../src/gpu/pipelineCache.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

/** The device Device.layer(choice) provides, held only while the program runs. */
const pick = (choice: DeviceChoice, options?: SelectDeviceOptions) => Effect.provide(Effect.map(Device, (d) => d), Device.layer(choice, options));

describe("device selection (no adapter needed)", () => {
  it("cpu is the CPU backend, and an unknown choice names the accepted ones", async () => {
    expect(await Effect.runPromise(pick("cpu"))).toBe(cpuDevice);
    expect(() => Device.layer("gpu" as "cpu")).toThrow(/unknown device "gpu" \(expected "auto", "cpu" or "webgpu"\)/);
  });
});

describe.skipIf(!gpu.device)("the WebGPU device", () => {
  const software = gpu.device?.info.software ?? false;

  it("reports adapter info and limits, marking software adapters", async () => {
    const info = await Effect.runPromise(gpuInfo());
    expect(info.limits["maxComputeWorkgroupsPerDimension"]).toBeGreaterThanOrEqual(65535);
    expect(typeof info.description).toBe("string");
    expect(adapterName(info).includes("software adapter")).toBe(info.software);
  });

  it.skipIf(!software)("a software adapter is refused unless asked for; auto then falls back to the CPU", async () => {
    const refused = await Effect.runPromiseExit(pick("webgpu", { allowSoftware: false }));
    expect(Exit.isFailure(refused)).toBe(true);
    const err = await Effect.runPromise(Effect.flip(pick("webgpu", { allowSoftware: false })));
    expect(err).toBeInstanceOf(GpuUnavailable);
    expect(err.reason).toBe("software adapter");
    expect(err.message).toMatch(/RIVULET_ALLOW_SOFTWARE_GPU=1/);
    expect(await Effect.runPromise(pick("auto", { allowSoftware: false }))).toBe(cpuDevice);
  });

  it("GpuDevice.layer acquires a device for a program and destroys it when the program ends", async () => {
    let held: WebGpuBackend | undefined;
    const program = Effect.gen(function* () {
      const dev = yield* GpuDevice;
      held = dev;
      const x = tensor([1, 2, 3], { device: dev });
      return yield* Effect.promise(() => x.mul(2).array());
    });
    expect(await Effect.runPromise(Effect.provide(program, GpuDevice.layer({ allowSoftware: true })))).toEqual([2, 4, 6]);
    // The layer's scope closed: the device is gone, and using it fails with DeviceLost.
    await new Promise((r) => setTimeout(r, 50));
    expect(() => tensor([1], { device: held! })).toThrow(DeviceLost);
  });

  it("moves tensors and pytrees between devices", async () => {
    const dev = gpu.device!;
    const x = tensor([[1, 2], [3, 4]]);
    const g = x.to(dev);
    expect(g.device).toBe(dev);
    expect(() => g.to(cpuDevice)).toThrow(/use await toDevice/);
    const tree = await toDevice({ a: g, b: [tensor([true, false]).to(dev), tensor([5], { dtype: "int32" })], n: 3 }, cpuDevice);
    expect(tree.a.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tree.b[0]!.tolist()).toEqual([true, false]);
    expect(tree.b[1]!.tolist()).toEqual([5]);
    expect(tree.n).toBe(3);
    expect(() => x.add(g)).toThrow(/different devices/);
  });

  it("a bad index is reported at the next readback, naming the op", async () => {
    const dev = gpu.device!;
    const y = gather(tensor([[1, 2], [3, 4]], { device: dev }), 1, tensor([[0, 5], [1, 0]], { dtype: "int32", device: dev }));
    await expect(y.data()).rejects.toThrow(GpuKernelError);
    const again = gather(tensor([[1, 2]], { device: dev }), 1, tensor([[7]], { dtype: "int32", device: dev }));
    await expect(again.data()).rejects.toThrow(/gather: index 7 is out of range for dimension 1 of size 2/);
    // The flag is cleared: the device keeps working.
    expect(await tensor([1, 2], { device: dev }).add(1).array()).toEqual([2, 3]);
  });

  it("a WGSL compile error names the kernel and quotes the line", async () => {
    const dev = gpu.device!;
    let check: Promise<ShaderCompilationError | null> | undefined;
    const cache = new PipelineCache(dev.device, (c) => (check = c));
    dev.device.pushErrorScope("validation");
    cache.get("broken", "@compute @workgroup_size(1)\nfn main() {\n  let a: f32 = 1u;\n}", "main", 0, 0);
    await dev.device.popErrorScope();
    const err = await check!;
    expect(err).toBeInstanceOf(ShaderCompilationError);
    expect(err!.line).toBe(3);
    expect(err!.sourceLine.trim()).toBe("let a: f32 = 1u;");
    expect(err!.message).toMatch(/kernel broken failed to compile at WGSL line 3/);
  });

  it("a step scope releases temporaries, keeps the result, and refuses tensors used after release", async () => {
    const dev = gpu.device!;
    const x = tensor([1, 2, 3, 4], { device: dev });
    const live0 = dev.stats().liveBytes;
    let leaked: Tensor | undefined;
    const y = deviceRuntime(dev).step(() => {
      const t = x.mul(2).add(1).exp();
      leaked = x.sub(1);
      return { y: t.log().reshape([2, 2]) };
    }).y;
    expect(dev.stats().liveBytes - live0).toBe(256); // one size class: y (the reshape shares it)
    expect(await y.array()).toEqual([[3, 5], [7, 9]]);
    expect(() => leaked!.add(1)).toThrow(/released when the step scope that created it closed/);
    expect(deviceRuntime(cpuDevice).step(() => 7)).toBe(7);
  });

  it("runStep scopes a step on the Device service, submitting once", async () => {
    const dev = gpu.device!;
    const before = dev.stats();
    const program = Effect.gen(function* () {
      let w = tensor([1, 1], { device: dev });
      for (let i = 0; i < 5; i++) w = yield* runStep(() => w.mul(2).add(0), { donate: w });
      return w;
    });
    const w = await Effect.runPromise(Effect.provideService(program, Device, dev));
    expect(await w.array()).toEqual([32, 32]);
    expect(dev.stats().liveBytes).toBe(before.liveBytes + 256); // only the final w: every intermediate one was donated
    expect(dev.stats().submissions - before.submissions).toBeLessThanOrEqual(6);
  });
});
