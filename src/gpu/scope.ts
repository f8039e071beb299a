// Step-scoped GPU memory: storage created inside a scope is released when it closes, except what the returned value reaches.
import { Effect, Exit } from "effect";
import type { Backend } from "../ops/backend.js";
import { Tensor } from "../ops/Tensor.js";
import { GpuStorage } from "./GpuStorage.js";
import { GpuDevice } from "./GpuDevice.js";
import type { WebGpuBackend } from "./webgpuBackend.js";
import type { GpuError } from "./errors.js";

const isWebGpu = (d: Backend): d is WebGpuBackend => typeof (d as Partial<WebGpuBackend>).beginScope === "function";

/** Storage of `device` reachable from a value: tensors inside arrays, plain objects and Maps (a pytree, optimizer state, aux). */
const reachable = (value: unknown, device: object): Set<GpuStorage> => {
  const out = new Set<GpuStorage>();
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Tensor) {
      if ((v.device as object) === device && v.storage instanceof GpuStorage) out.add(v.storage);
      return;
    }
    if (v instanceof Map) for (const [k, x] of v) { walk(k); walk(x); }
    else if (Array.isArray(v)) v.forEach(walk);
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
};

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

/**
 * A training step as an Effect on the GpuDevice service: GPU memory lives in the step's scope (what it returns
 * survives), the step's work is submitted when it ends, and a failure the device has already reported fails the step.
 * @example
 * state = yield* runStep(() => step(state, batch), { donate: state });
 */
export const runStep = <A, E = never, R = never>(step: Effect.Effect<A, E, R> | (() => A), { donate }: GpuScopeOptions = {}): Effect.Effect<A, E | GpuError, R | GpuDevice> =>
  Effect.gen(function* () {
    const device = yield* GpuDevice;
    const donated = donate === undefined ? undefined : reachable(donate, device);
    const body: Effect.Effect<A, E, R> = Effect.isEffect(step) ? step : Effect.sync(step);
    const value = yield* Effect.acquireUseRelease(
      Effect.sync(() => device.beginScope()),
      () => body,
      (frame, exit) => Effect.sync(() => (Exit.isSuccess(exit) ? device.endScope(frame, reachable(exit.value, device), donated) : device.endScope(frame, new Set()))),
    );
    const failure = device.takeFailure();
    if (failure) return yield* Effect.fail(failure);
    return value;
  });
