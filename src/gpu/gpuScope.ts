// gpuScope: the former plain-function form of step scopes, kept as an alias of the device runtime's `step`.
import type { Backend } from "../ops/backend.js";
import { deviceRuntime } from "./DeviceRuntime.js";
import type { StepScopeOptions } from "./stepScope.js";

/** @deprecated Options of `gpuScope`: use `StepScopeOptions`. */
export type GpuScopeOptions = StepScopeOptions;

/**
 * @deprecated Use `deviceRuntime(device).step(f, options)` (or `runStep` in an Effect program); `f` must be synchronous.
 * @example
 * state = deviceRuntime(device).step(() => update(state, batch), { donate: state });
 */
export const gpuScope = <A>(device: Backend, f: () => A, options: StepScopeOptions = {}): A => deviceRuntime(device).step(f, options);
