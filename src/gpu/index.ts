// Public face of src/gpu: devices as Effect services, the device runtime (the bridge to Promises and streams), step-scoped memory, and the typed errors.
export { GpuDevice, acquireWebGpu, requestAdapter, gpuInfo, softwareGpuAllowedByEnv, type WebGpuOptions } from "./GpuDevice.js";
export type { DeviceChoice, SelectDeviceOptions } from "./selectDevice.js";
export { Device } from "./Device.js";
export { makeDeviceRuntime, deviceRuntime, openDevice, type DeviceRuntime, type DeviceHandle } from "./DeviceRuntime.js";
export { stepScope, hasScopedMemory, type StepScopeOptions, type ScopedMemory } from "./stepScope.js";
export { adapterName, isSoftwareAdapter, type GpuInfo } from "./gpuInfo.js";
export { runStep } from "./runStep.js";
export { toDevice } from "./toDevice.js";
export type { WebGpuBackend, GpuStats } from "./webgpuBackend.js";
export type { PoolStats } from "./bufferPool.js";
export { GpuUnavailable, DeviceLost, OutOfMemory, ShaderCompilationError, GpuValidationError, GpuKernelError, type GpuError } from "./errors.js";
