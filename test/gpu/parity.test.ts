// The parity fixtures (max/min with indices, BCE at 0 and 1, add alpha, convTranspose1d, instanceNorm, bicubic) replayed on WebGPU.
import { afterAll, describe, it } from "vitest";
import { checkCase, loadCases } from "../_harness.js";
import { runners } from "../ops/_parity.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

describe.skipIf(!gpu.device)("parity.json on WebGPU", () => {
  for (const c of loadCases("parity").filter((c) => runners[c.op]))
    it(`${c.op}: ${c.name}`, () => checkCase(c, runners[c.op]!, { atol: 1e-5, rtol: 1e-4 }, gpu.device!));
});
