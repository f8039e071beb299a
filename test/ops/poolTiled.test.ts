// On the CPU: pooling over tiling windows (reshape + reduce, no im2col) equals the im2col path bit for bit.
import { describe, it } from "vitest";
import { cpuDevice } from "../../src/index.js";
import { checkTiled, checkTiledEntryPoints, tiledCases } from "./_poolTiled.js";

describe("tiled pooling equals the im2col path on the CPU (values, gradients, indices; ties and NaN)", () => {
  tiledCases.forEach((c, i) => it(`[${c.shape}] by [${c.k}]`, () => checkTiled(cpuDevice, c, i)));
  it("1-D pools, ceil mode without overhang and evenly divisible adaptive pools take the same path", () => checkTiledEntryPoints(cpuDevice));
});
