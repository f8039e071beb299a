// Step-scoped GPU memory: storage created inside a scope is released when it closes, except what the returned value reaches.
// Effect-free on purpose, so the training operators in src/streams can use it; `runStep` is its Effect form.
import type { Backend } from "../ops/backend.js";
import { isWebGpu, reachable } from "./_reachable.js";

export interface GpuScopeOptions {
  /**
   * A value the result replaces (the previous training state), as JAX's donated arguments: its GPU tensors that the
   * result does not reach are released when the scope closes, so a loop's memory is flat without waiting for the
   * garbage collector. Using a donated tensor afterwards throws an error saying so.
   */
  readonly donate?: unknown;
}

/**
 * Runs `f` with GPU memory scoped to it: every buffer created inside is given back when it returns (or its promise
 * settles), except those of tensors reachable from the result. A no-op wrapper on the CPU, so code stays device-agnostic.
 * @example
 * state = gpuScope(device, () => trainStep(state, batch), { donate: state }); // temporaries and the old state freed
 */
export const gpuScope = <A>(device: Backend, f: () => A, { donate }: GpuScopeOptions = {}): A => {
  if (!isWebGpu(device)) return f();
  const donated = donate === undefined ? undefined : reachable(donate, device);
  const frame = device.beginScope();
  let result: A;
  try {
    result = f();
  } catch (e) {
    device.endScope(frame, new Set());
    throw e;
  }
  if (result instanceof Promise)
    return result.then(
      (v) => (device.endScope(frame, reachable(v, device), donated), v),
      (e) => { device.endScope(frame, new Set()); throw e; },
    ) as A;
  device.endScope(frame, reachable(result, device), donated);
  return result;
};
