// Every benchmark workload, in the order rows are printed; a new benchmark adds its file's list here.
import type { Workload } from "../workload.js";
import { conv2dWorkloads } from "./conv2d.js";
import { lenetWorkloads } from "./lenet.js";
import { matmulWorkloads } from "./matmul.js";
import { webgpuWorkloads } from "./webgpu.js";
import { jetstreamWorkloads } from "./jetstream.js";

export const workloads: readonly Workload[] = [...matmulWorkloads, ...conv2dWorkloads, ...lenetWorkloads, ...webgpuWorkloads, ...jetstreamWorkloads];
