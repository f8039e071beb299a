// The device tensors are created on when none is given: the CPU backend (WebGPU is chosen explicitly or via `auto`).
import type { Backend } from "./backend.js";
import { cpu } from "./cpu/cpuBackend.js";

/** The CPU device, rivulet's reference backend. */
export const cpuDevice: Backend = cpu as Backend;

export const defaultDevice = (): Backend => cpuDevice;
