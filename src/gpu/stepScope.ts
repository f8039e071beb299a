// Step-scoped device memory as an Effect scope: storage a step creates is released when its scope closes, except what its result reaches.
import { Effect, Exit } from "effect";
import type { Backend } from "../ops/backend.js";
import { Device } from "./Device.js";
import { reachable } from "./_reachable.js";

/**
 * What a backend provides to have step scopes (WebGPU does, and the CPU, whose released arrays are recycled):
 * `beginScope` starts recording the storage it creates, `endScope` stops and releases the recorded storage except
 * `keep` (which the enclosing scope takes over), plus the `donated` storage `keep` does not hold. Scopes nest and
 * close innermost first.
 */
export interface ScopedMemory {
  beginScope(): unknown;
  endScope(frame: unknown, keep: ReadonlySet<unknown>, donated?: ReadonlySet<unknown>): void;
}

/** True for a backend with step scopes. */
export const hasScopedMemory = (d: Backend): d is Backend & ScopedMemory =>
  typeof (d as Partial<ScopedMemory>).beginScope === "function" && typeof (d as Partial<ScopedMemory>).endScope === "function";

export interface StepScopeOptions {
  /**
   * A value the result replaces (the previous training state), as JAX's donated arguments: its device storage that
   * the result does not reach is released when the scope closes, so a loop's memory is flat without waiting for the
   * garbage collector. Using a donated tensor afterwards throws an error saying so.
   */
  readonly donate?: unknown;
}

/**
 * Runs `body` in its own Effect scope on the `Device`: the device's recording starts when the scope opens, and when
 * it closes everything created inside is released except what the result reaches (on failure, everything; nothing
 * donated). On a device without scoped memory it is `body` itself.
 * @example
 * const next = yield* stepScope(Effect.sync(() => step(state, batch)), { donate: state });
 */
export const stepScope = <A, E, R>(body: Effect.Effect<A, E, R>, { donate }: StepScopeOptions = {}): Effect.Effect<A, E, R | Device> =>
  Effect.flatMap(Device, (device) => {
    if (!hasScopedMemory(device)) return body;
    const donated = donate === undefined ? undefined : reachable(donate, device);
    const frame = Effect.acquireRelease(Effect.sync(() => device.beginScope()), (f, exit) =>
      Effect.sync(() => (Exit.isSuccess(exit) ? device.endScope(f, reachable(exit.value, device), donated) : device.endScope(f, new Set()))),
    );
    return Effect.scoped(Effect.andThen(frame, body));
  });
