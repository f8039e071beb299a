// A dataset for the distributed-preparation tests: sample i is the tensor [i], each read taking `delayMs`.
import { tensor, type Dataset, type Tensor } from "../../src/index.js";

/** `n` samples; sample i is `{ input: [i], target: i }`, read after `delayMs` milliseconds. */
export const slowRange = (n: number, delayMs: number): Dataset<{ input: Tensor; target: number }> => ({
  length: n,
  get: (i) => new Promise((done) => setTimeout(() => done({ input: tensor([i]), target: i }), delayMs)),
});
