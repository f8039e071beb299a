// On WebGPU (no maxPoolIndices kernel: its im2col decomposition runs): max pooling equals the CPU kernel's and the previous im2col path's.
import { afterAll, describe, it } from "vitest";
import { openTestGpu } from "./_gpu.js";
import { checkAgainstIm2col, checkDeviceAgainstCpu, checkPool1d, geometries } from "../ops/_maxPool.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

const cases = geometries(12, 2);

describe.skipIf(!gpu.device)("max pooling on WebGPU through the maxPoolIndices decomposition", () => {
  it("equals the CPU kernel's values, indices and gradient (NaN, ties, ±0, -∞)", async () => {
    for (const [i, g] of cases.entries()) await checkDeviceAgainstCpu(gpu.device!, g, i);
  });
  it("equals the im2col path bit for bit, double backward included", async () => {
    for (const [i, g] of cases.slice(0, 6).entries()) await checkAgainstIm2col(gpu.device!, g, i);
  });
  it("1-D pools", () => checkPool1d(gpu.device!));
});
