// `--device auto|cpu|webgpu` opened for a command: the backend, how to name it, and its release; no adapter for `webgpu` is one line, exit 1.
import { openDevice, adapterName, GpuUnavailable, type Backend, type DeviceChoice, type WebGpuBackend } from "../index.js";
import { RunFailure } from "./errors.js";

/** A device held by a command. */
export interface CliDevice {
  readonly device: Backend;
  /** "cpu" or "webgpu", for JSON output. */
  readonly kind: string;
  /** For people: "cpu", or "webgpu (NVIDIA H100 ...)". */
  readonly label: string;
  close(): Promise<void>;
}

/**
 * Opens the device a command asked for; `auto` is WebGPU on a hardware adapter, else the CPU.
 * @example
 * const dev = await openCliDevice("auto"); try { ... } finally { await dev.close(); }
 */
export const openCliDevice = async (choice: DeviceChoice): Promise<CliDevice> => {
  try {
    const { device, close } = await openDevice(choice);
    const info = device.name === "webgpu" ? (device as WebGpuBackend).info : undefined;
    return { device, kind: device.name, label: info === undefined ? device.name : `${device.name} (${adapterName(info)})`, close };
  } catch (e) {
    if (e instanceof GpuUnavailable)
      throw new RunFailure({ message: `--device ${choice}: no usable WebGPU adapter (${e.reason}); use --device auto or --device cpu, or see rivulet info`, cause: e });
    throw e;
  }
};
