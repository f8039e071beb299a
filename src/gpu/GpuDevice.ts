// The WebGPU device as an Effect service: a Layer acquires adapter and device and destroys the device when its scope closes.
import { Context, Effect, Layer, type Scope } from "effect";
import { GpuUnavailable } from "./errors.js";
import { describeAdapter, type GpuInfo } from "./gpuInfo.js";
import { makeWebGpuBackend, type WebGpuBackend } from "./webgpuBackend.js";

export interface WebGpuOptions {
  /** Accept a software adapter (lavapipe, SwiftShader). Defaults to the RIVULET_ALLOW_SOFTWARE_GPU environment variable. */
  readonly allowSoftware?: boolean;
  readonly powerPreference?: GPUPowerPreference;
}

/** True when RIVULET_ALLOW_SOFTWARE_GPU is set to 1/true/yes. */
export const softwareGpuAllowedByEnv = (): boolean =>
  /^(1|true|yes)$/i.test(globalThis.process?.env?.["RIVULET_ALLOW_SOFTWARE_GPU"] ?? "");

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The platform's WebGPU entry point: navigator.gpu where it exists, else Dawn from the `webgpu` package (Node). */
const gpuEntry = Effect.tryPromise({
  try: async (): Promise<GPU> => {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    if (nav?.gpu) return nav.gpu;
    const dawn = await import("webgpu");
    // Dawn's objects expect the WebGPU globals (GPUBufferUsage, ...); add only those missing.
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    return dawn.create([]);
  },
  catch: (e) => new GpuUnavailable({ reason: reasonOf(e), message: `webgpu: cannot load a WebGPU implementation: ${reasonOf(e)}` }),
});

/** Requests an adapter, refusing a software one unless allowed. */
export const requestAdapter = ({ allowSoftware = softwareGpuAllowedByEnv(), powerPreference = "high-performance" }: WebGpuOptions = {}): Effect.Effect<{ gpu: GPU; adapter: GPUAdapter; info: GpuInfo }, GpuUnavailable> =>
  Effect.gen(function* () {
    const gpu = yield* gpuEntry;
    const adapter = yield* Effect.tryPromise({
      try: () => gpu.requestAdapter({ powerPreference }),
      catch: (e) => new GpuUnavailable({ reason: reasonOf(e), message: `webgpu: requestAdapter failed: ${reasonOf(e)}` }),
    });
    if (!adapter)
      return yield* Effect.fail(new GpuUnavailable({ reason: "no adapter", message: "webgpu: no WebGPU adapter found (no GPU, or no Vulkan/Metal/D3D12 driver)" }));
    const info = describeAdapter(adapter);
    if (info.software && !allowSoftware)
      return yield* Effect.fail(new GpuUnavailable({
        reason: "software adapter",
        message: `webgpu: the only adapter is a software one (${info.description || info.device}); pass { allowSoftware: true } or set RIVULET_ALLOW_SOFTWARE_GPU=1 to use it`,
      }));
    return { gpu, adapter, info };
  });

/**
 * Adapter identity and limits without opening a device (software adapters included, flagged), for `rivulet info`.
 * @example
 * const info = await Effect.runPromise(gpuInfo()); // { description: "llvmpipe ...", software: true, limits: {...} }
 */
export const gpuInfo = (): Effect.Effect<GpuInfo, GpuUnavailable> => Effect.map(requestAdapter({ allowSoftware: true }), (r) => r.info);

/** Opens a WebGPU device as a rivulet backend, destroyed when the enclosing scope closes. */
export const acquireWebGpu = (options: WebGpuOptions = {}): Effect.Effect<WebGpuBackend, GpuUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const { gpu, adapter, info } = yield* requestAdapter(options);
      // Ask for the adapter's own buffer limits: the defaults (128 MiB bindings) are smaller than real models need.
      const l = adapter.limits;
      const device = yield* Effect.tryPromise({
        try: () => adapter.requestDevice({
          requiredLimits: { maxBufferSize: l.maxBufferSize, maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage },
        }),
        catch: (e) => new GpuUnavailable({ reason: reasonOf(e), message: `webgpu: requestDevice failed: ${reasonOf(e)}` }),
      });
      const backend = makeWebGpuBackend(device, info);
      // Dawn's instance must outlive the device; the backend keeps it reachable.
      Object.defineProperty(backend, "instance", { value: gpu, enumerable: false });
      return backend;
    }),
    (b) => Effect.sync(() => b.destroy()),
  );

/**
 * The WebGPU device service. Provide it with `GpuDevice.layer(options)`; the device is destroyed with the layer's scope.
 * @example
 * const program = Effect.gen(function* () {
 *   const gpu = yield* GpuDevice;
 *   const x = tensor([1, 2, 3], { device: gpu });
 *   return await x.mul(2).array();
 * });
 * Effect.runPromise(Effect.provide(program, GpuDevice.layer({ allowSoftware: true })));
 */
export class GpuDevice extends Context.Service<GpuDevice, WebGpuBackend>()("rivulet/GpuDevice") {
  static readonly layer = (options: WebGpuOptions = {}): Layer.Layer<GpuDevice, GpuUnavailable> => Layer.effect(GpuDevice, acquireWebGpu(options));
}
