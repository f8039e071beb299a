// Every fixture case of the ops (forward and gradients) replayed on the WebGPU device against PyTorch's numbers.
import { afterAll, describe, it } from "vitest";
import { checkCase, loadCases } from "../_harness.js";
import { runnerFor } from "./_runners.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

// Ops that read values on the host to decide shapes cannot run on a device that only reads back asynchronously.
const HOST_READS = new Set(["oneHot"]);

for (const group of ["core", "shape", "conv", "pool", "nn"]) {
  const cases = loadCases(group).filter((c) => runnerFor(c.op) && !HOST_READS.has(c.op));
  describe.skipIf(!gpu.device)(`${group}.json on WebGPU`, () => {
    for (const c of cases) it(`${c.op}: ${c.name}`, () => checkCase(c, runnerFor(c.op)!, {}, gpu.device!));
  });
}
