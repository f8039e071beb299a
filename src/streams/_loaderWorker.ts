// The worker-thread side of `loader({ workers })`: re-creates the dataset from its recipe and loads the samples it is asked for.
import { parentPort, workerData } from "node:worker_threads";
import type { DatasetRecipe } from "./workers.js";
import { makeDataset } from "./_makeDataset.js";
import { toWire } from "./_transfer.js";

interface Request {
  readonly id: number;
  readonly indices: readonly number[];
}

const recipe = workerData as DatasetRecipe;
const port = parentPort!;

const dataset = makeDataset<unknown>(recipe, "loader worker");
// A failed import is reported with the first request it fails, not as an unhandled rejection.
dataset.catch(() => undefined);
// Requests are answered in arrival order, one at a time, so a worker holds at most one batch of samples.
let queue: Promise<void> = Promise.resolve();

port.on("message", (req: Request) => {
  queue = queue.then(async () => {
    let current = -1;
    try {
      const ds = await dataset;
      const samples: unknown[] = [];
      for (const i of req.indices) {
        current = i;
        samples.push(toWire(await ds.get(i)));
      }
      port.postMessage({ id: req.id, ok: true, samples });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      port.postMessage({ id: req.id, ok: false, index: current, message });
    }
  });
});
