// On WebGPU: pooling over tiling windows (reshape + reduce, no im2col) equals the im2col path bit for bit.
import { afterAll, describe, it } from "vitest";
import { openTestGpu } from "./_gpu.js";
import { checkTiled, checkTiledEntryPoints, tiledCases } from "../ops/_poolTiled.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

describe.skipIf(!gpu.device)("tiled pooling equals the im2col path on WebGPU (values, gradients, indices; ties and NaN)", () => {
  tiledCases.forEach((c, i) => it(`[${c.shape}] by [${c.k}]`, () => checkTiled(gpu.device!, c, i)));
  it("1-D pools, ceil mode without overhang and evenly divisible adaptive pools take the same path", () => checkTiledEntryPoints(gpu.device!));
});
