// `--device auto|cpu|webgpu` opened for a command: the backend, how to name it, and its release; no adapter for `webgpu` is one line, exit 1.
import { existsSync } from "node:fs";
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
 * True where no hardware GPU can be present: Linux without a GPU device node (DRM render node, NVIDIA, WSL's dxg).
 * There `auto` is the CPU at once, without loading WebGPU, whose native library prints warnings when it probes.
 * `RIVULET_ALLOW_SOFTWARE_GPU=1` (software adapters allowed) always probes.
 */
const noGpuDevice = (): boolean =>
  process.platform === "linux" && !process.env["RIVULET_ALLOW_SOFTWARE_GPU"] && !["/dev/dri", "/dev/nvidiactl", "/dev/nvidia0", "/dev/dxg"].some((p) => existsSync(p));

/**
 * Opens the device a command asked for; `auto` is WebGPU on a hardware adapter, else the CPU.
 * @example
 * const dev = await openCliDevice("auto"); try { ... } finally { await dev.close(); }
 */
export const openCliDevice = async (choice: DeviceChoice): Promise<CliDevice> => {
  try {
    const { device, close } = await openDevice(choice === "auto" && noGpuDevice() ? "cpu" : choice);
    const info = device.name === "webgpu" ? (device as WebGpuBackend).info : undefined;
    return { device, kind: device.name, label: info === undefined ? device.name : `${device.name} (${adapterName(info)})`, close };
  } catch (e) {
    if (e instanceof GpuUnavailable)
      throw new RunFailure({ message: `--device ${choice}: no usable WebGPU adapter (${e.reason}); use --device auto or --device cpu, or see rivulet info`, cause: e });
    throw e;
  }
};
