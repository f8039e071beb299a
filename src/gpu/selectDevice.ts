// Choosing where tensors live: "auto" (a hardware GPU if there is one, else the CPU), "cpu", or "webgpu", held for a scope (Device.layer's acquisition).
import { Effect, type Scope } from "effect";
import type { Backend } from "../ops/backend.js";
import { cpuDevice } from "../ops/device.js";
import { acquireWebGpu, softwareGpuAllowedByEnv } from "./GpuDevice.js";
import type { GpuUnavailable } from "./errors.js";

export type DeviceChoice = "auto" | "cpu" | "webgpu";

export interface SelectDeviceOptions {
  /** Use a software adapter (lavapipe, SwiftShader) when it is the only one. Defaults to RIVULET_ALLOW_SOFTWARE_GPU. */
  readonly allowSoftware?: boolean;
}

const CHOICES: readonly DeviceChoice[] = ["auto", "cpu", "webgpu"];

/**
 * The device for a choice, held for the enclosing scope: `auto` falls back to the CPU when there is no hardware
 * adapter (a software one only when allowed); `webgpu` fails with GpuUnavailable instead. Internal: `Device.layer`
 * is its public Effect form and `openDevice` its Promise form.
 */
export const selectDevice = (choice: DeviceChoice, { allowSoftware = softwareGpuAllowedByEnv() }: SelectDeviceOptions = {}): Effect.Effect<Backend, GpuUnavailable, Scope.Scope> => {
  if (!CHOICES.includes(choice)) throw new Error(`Device.layer: unknown device ${JSON.stringify(choice)} (expected "auto", "cpu" or "webgpu")`);
  if (choice === "cpu") return Effect.succeed(cpuDevice);
  const gpu = acquireWebGpu({ allowSoftware }) as Effect.Effect<Backend, GpuUnavailable, Scope.Scope>;
  return choice === "webgpu" ? gpu : Effect.orElseSucceed(gpu, () => cpuDevice);
};
