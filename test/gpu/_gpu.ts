// The WebGPU device for the test files: opened once per file; missing is a skip locally but a failure in CI.
import { openDevice, type Backend, type DeviceHandle } from "../../src/index.js";
import type { WebGpuBackend } from "../../src/gpu/webgpuBackend.js";

export interface TestGpu {
  readonly device: (WebGpuBackend & Backend) | null;
  readonly reason: string;
  close(): Promise<void>;
}

/** Opens the WebGPU device (software adapters allowed: CI runs on lavapipe). Throws in CI when there is none. */
export const openTestGpu = async (): Promise<TestGpu> => {
  let handle: DeviceHandle;
  try {
    handle = await openDevice("webgpu", { allowSoftware: true });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (process.env["CI"]) throw new Error(`WebGPU tests cannot run in CI: ${reason} (install lavapipe: mesa-vulkan-drivers)`);
    console.warn(`skipping WebGPU tests: ${reason}`);
    return { device: null, reason, close: async () => undefined };
  }
  return { device: handle.device as WebGpuBackend, reason: "", close: () => handle.close() };
};
