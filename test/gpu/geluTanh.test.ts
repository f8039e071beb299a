// On WebGPU (the WGSL geluTanh/geluTanhGrad kernels): values, gradients and second derivatives of the tanh-approximate GELU against torch.
import { afterAll, describe, it } from "vitest";
import { cpuDevice, toDevice } from "../../src/index.js";
import { expectClose } from "../_harness.js";
import { derivatives, fx } from "../ops/_geluTanh.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

describe.skipIf(!gpu.device)("gelu(x, { approximate: 'tanh' }) on WebGPU matches torch", () => {
  it("values, gradients and second derivatives (f32 WGSL: within 1e-5 of torch's float64)", async () => {
    const got = derivatives(gpu.device!);
    const keys = ["y", "dx", "d2x", "d2c"] as const;
    const host = await toDevice(keys.map((k) => got[k]), cpuDevice);
    keys.forEach((k, i) => expectClose(host[i]!, fx.float64[k], { atol: 1e-5, rtol: 1e-5 }, `${k} on WebGPU`));
  });
});
