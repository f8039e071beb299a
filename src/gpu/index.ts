// Public face of src/gpu: the WebGPU device (an Effect service), device selection and movement, step-scoped memory, and the typed errors.
export { GpuDevice, acquireWebGpu, requestAdapter, gpuInfo, softwareGpuAllowedByEnv, type WebGpuOptions } from "./GpuDevice.js";
export { selectDevice, openDevice, type DeviceChoice, type DeviceHandle, type SelectDeviceOptions } from "./selectDevice.js";
export { adapterName, isSoftwareAdapter, type GpuInfo } from "./gpuInfo.js";
export { gpuScope, type GpuScopeOptions } from "./gpuScope.js";
export { runStep } from "./runStep.js";
export { toDevice } from "./toDevice.js";
export type { WebGpuBackend, GpuStats } from "./webgpuBackend.js";
export type { PoolStats } from "./bufferPool.js";
export { GpuUnavailable, DeviceLost, OutOfMemory, ShaderCompilationError, GpuValidationError, GpuKernelError, type GpuError } from "./errors.js";
