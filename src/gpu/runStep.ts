// A training step as an Effect on the Device service: stepScope's step-scoped memory, with device failures as typed errors.
import { Effect } from "effect";
import { Device } from "./Device.js";
import { stepScope, type StepScopeOptions } from "./stepScope.js";
import type { GpuError } from "./errors.js";

/** A failure the device has already reported, where it keeps them (WebGPU). */
const takeFailure = (d: object): GpuError | null =>
  typeof (d as { takeFailure?: unknown }).takeFailure === "function" ? (d as { takeFailure(): GpuError | null }).takeFailure() : null;

/**
 * A training step as an Effect on the `Device` service: device memory lives in the step's scope (what it returns
 * survives), the step's work is submitted when it ends, and a failure the device has already reported fails the step.
 * @example
 * state = yield* runStep(() => step(state, batch), { donate: state });
 */
export const runStep = <A, E = never, R = never>(step: Effect.Effect<A, E, R> | (() => A), options: StepScopeOptions = {}): Effect.Effect<A, E | GpuError, R | Device> =>
  Effect.gen(function* () {
    const value = yield* stepScope(Effect.isEffect(step) ? step : Effect.sync(step), options);
    const failure = takeFailure(yield* Device);
    if (failure) return yield* Effect.fail(failure);
    return value;
  });
