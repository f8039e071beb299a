// The device a program's tensors live on, as an Effect service, with its layers: the CPU, a chosen device, WebGPU.
import { Context, Effect, Layer } from "effect";
import type { Backend } from "../ops/backend.js";
import { cpuDevice } from "../ops/device.js";
import { GpuDevice, type WebGpuOptions } from "./GpuDevice.js";
import { selectDevice, type DeviceChoice, type SelectDeviceOptions } from "./selectDevice.js";
import type { GpuUnavailable } from "./errors.js";

/**
 * Any device (the CPU or a WebGPU device) as an Effect service; a `DeviceRuntime` is built from one of its layers.
 * A layer that opens a device closes it with the layer's scope (the runtime's `close`).
 * @example
 * const runtime = await makeDeviceRuntime(Device.layer("auto"));
 * const name = await runtime.runPromise(Effect.map(Device, (d) => d.name)); // "webgpu" or "cpu"
 * await runtime.close();
 */
export class Device extends Context.Service<Device, Backend>()("rivulet/Device") {
  /** The CPU (nothing to open or close). */
  static readonly cpu: Layer.Layer<Device> = Layer.succeed(Device, cpuDevice);
  /**
   * The device for a choice, held for the layer's lifetime: "auto" is a hardware WebGPU adapter (a software one only
   * when allowed), else the CPU; "webgpu" fails with GpuUnavailable instead; "cpu" the CPU. An unknown choice throws.
   */
  static readonly layer = (choice: DeviceChoice, options: SelectDeviceOptions = {}): Layer.Layer<Device, GpuUnavailable> => Layer.effect(Device, selectDevice(choice, options));
  /** A WebGPU device (GpuDevice.layer), failing with GpuUnavailable when there is none. */
  static readonly webgpu = (options: WebGpuOptions = {}): Layer.Layer<Device | GpuDevice, GpuUnavailable> =>
    Layer.effect(Device, Effect.gen(function* () {
      const gpu: Backend = yield* GpuDevice;
      return gpu;
    })).pipe(Layer.provideMerge(GpuDevice.layer(options)));
  /** An already open device (whoever opened it closes it). */
  static readonly existing = (device: Backend): Layer.Layer<Device> => Layer.succeed(Device, device);
}
