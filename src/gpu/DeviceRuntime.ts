// The one bridge between Effect and the Promise/RxJS world: a ManagedRuntime built from a device layer, run by the streams.
import { Effect, Layer, ManagedRuntime } from "effect";
import type { Backend } from "../ops/backend.js";
import { Device } from "./Device.js";
import { hasScopedMemory, stepScope, type StepScopeOptions } from "./stepScope.js";
import type { DeviceChoice, SelectDeviceOptions } from "./selectDevice.js";

/**
 * A device with the Effect runtime that holds it: Effect programs needing the `Device` run here (`runPromise`,
 * `runSync`), training steps run in its step scopes (`step`), and `close` releases the layer (closing the device
 * when the layer opened it). The streams find a device's runtime with `deviceRuntime(device)`.
 */
export interface DeviceRuntime {
  readonly device: Backend;
  /** Runs an Effect program on this device to a promise (rejecting with its typed error). */
  runPromise<A, E>(effect: Effect.Effect<A, E, Device>): Promise<A>;
  /** Runs a synchronous Effect program on this device (throwing its error). */
  runSync<A, E>(effect: Effect.Effect<A, E, Device>): A;
  /**
   * Runs the synchronous `f` in a step scope (`stepScope`): device storage it creates is released when it returns,
   * except what its result reaches, plus the donated storage. Queue any readback inside `f`. On the CPU the released
   * arrays are recycled by later steps (unless RIVULET_CPU_POOL=0, where it is `f()`).
   */
  step<A>(f: () => A, options?: StepScopeOptions): A;
  /** Releases the runtime's layer: a device it opened is closed (destroyed on WebGPU). */
  close(): Promise<void>;
}

// The runtime of each open device, so that code holding only a device (a stream, a step) reaches it.
const runtimes = new WeakMap<Backend, DeviceRuntime>();

const wrap = (runtime: ManagedRuntime.ManagedRuntime<Device, unknown>, device: Backend): DeviceRuntime => {
  const self: DeviceRuntime = {
    device,
    runPromise: (effect) => runtime.runPromise(effect),
    runSync: (effect) => runtime.runSync(effect),
    // A device without step scopes (the CPU under RIVULET_CPU_POOL=0) skips the runtime (a scope costs tens of microseconds).
    step: (f, options) => (hasScopedMemory(device) ? runtime.runSync(stepScope(Effect.sync(f), options)) : f()),
    close: async () => {
      if (runtimes.get(device) === self) runtimes.delete(device);
      await runtime.dispose();
    },
  };
  return self;
};

/**
 * Builds the runtime of a device layer and opens its device (rejecting with the layer's error, e.g. GpuUnavailable).
 * @example
 * const runtime = await makeDeviceRuntime(Device.webgpu({ allowSoftware: true }));
 * try { console.log(await tensor([1, 2], { device: runtime.device }).mul(2).array()); } finally { await runtime.close(); }
 */
export const makeDeviceRuntime = async <E>(layer: Layer.Layer<Device, E>): Promise<DeviceRuntime> => {
  const runtime = ManagedRuntime.make(layer);
  let device: Backend;
  try {
    device = await runtime.runPromise(Device);
  } catch (e) {
    await runtime.dispose();
    throw e;
  }
  const self = wrap(runtime, device);
  if (!runtimes.has(device)) runtimes.set(device, self);
  return self;
};

/**
 * The runtime of an open device: the one that opened it (`openDevice`, `makeDeviceRuntime`), or else one made for it
 * that owns nothing (for a device opened elsewhere, e.g. provided to an Effect program by `GpuDevice.layer`).
 * @example
 * const next = deviceRuntime(device).step(() => update(state, batch), { donate: state });
 */
export const deviceRuntime = (device: Backend): DeviceRuntime => {
  const known = runtimes.get(device);
  if (known) return known;
  const made = wrap(ManagedRuntime.make(Device.existing(device)), device);
  runtimes.set(device, made);
  return made;
};

/** A device opened outside Effect, with the `close` that releases it (a `DeviceRuntime`). */
export type DeviceHandle = DeviceRuntime;

/**
 * Opens the device `Device.layer(choice)` picks, as a `DeviceRuntime` (rejects with GpuUnavailable): "auto" is a
 * hardware WebGPU adapter when there is one, else the CPU; "webgpu" fails instead of falling back.
 * @example
 * const { device, close } = await openDevice("auto");
 * try { console.log(await tensor([1, 2], { device }).sum().array()); } finally { await close(); }
 */
export const openDevice = async (choice: DeviceChoice, options: SelectDeviceOptions = {}): Promise<DeviceRuntime> =>
  makeDeviceRuntime(Device.layer(choice, options));
