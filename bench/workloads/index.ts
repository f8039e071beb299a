// Every benchmark workload, in the order rows are printed; a new benchmark adds its file's list here.
import type { Workload } from "../workload.js";
import { conv2dWorkloads } from "./conv2d.js";
import { lenetWorkloads } from "./lenet.js";
import { matmulWorkloads } from "./matmul.js";
import { webgpuWorkloads } from "./webgpu.js";
import { mlpWorkloads } from "./mlp.js";
import { cifarWorkloads } from "./cifar.js";
import { simd128Workloads } from "./simd128.js";
import { trainLoopWorkloads } from "./trainLoop.js";
import { gptWorkloads } from "./gpt.js";
import { rlWorkloads } from "./rl.js";
import { jetstreamWorkloads } from "./jetstream.js";

export const workloads: readonly Workload[] = [...matmulWorkloads, ...conv2dWorkloads, ...lenetWorkloads, ...mlpWorkloads, ...cifarWorkloads, ...trainLoopWorkloads, ...simd128Workloads, ...webgpuWorkloads, ...gptWorkloads, ...rlWorkloads, ...jetstreamWorkloads];
