// A tiny dataset module for the worker-thread loader tests: re-created in each worker from its export name and JSON args.
// Imports the ops directly, not the package root: each worker compiles what it imports, and less starts faster.
import { tensor } from "../../src/ops/creation.js";
import type { Tensor } from "../../src/ops/Tensor.js";
import type { Dataset, Sample } from "../../src/streams/Dataset.js";

/** n samples ([i, i²], i mod 3); asking for sample `failAt` throws. */
export const squares = (n: number, failAt = -1): Dataset<Sample<Tensor>> => ({
  length: n,
  get: async (i) => {
    if (i === failAt) throw new Error(`sample ${i} is unreadable`);
    await new Promise((r) => setTimeout(r, 1));
    return { input: tensor([i, i * i]), target: i % 3 };
  },
});
