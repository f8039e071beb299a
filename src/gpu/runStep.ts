// A training step as an Effect on the GpuDevice service: gpuScope's step-scoped memory, with device failures as typed errors.
import { Effect, Exit } from "effect";
import { GpuDevice } from "./GpuDevice.js";
import { reachable } from "./_reachable.js";
import type { GpuScopeOptions } from "./gpuScope.js";
import type { GpuError } from "./errors.js";

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
