// schedule: attaches a learning-rate schedule to the batches, evaluated per optimizer step or per epoch.
import { map, type OperatorFunction } from "rxjs";
import type { Schedule } from "../optim/schedules.js";
import type { LoaderBatch } from "./loader.js";

/**
 * Drives the learning rate from the stream: with `interval: "step"` (default) `trainStep` uses `s(state.step)`
 * for each update; with `"epoch"` every batch of epoch e uses `s(e)` (torch's `scheduler.step()` once per
 * epoch). The rate used is reported as the step's `lr` metric. It overrides the optimizer's own `lr`.
 * @example
 * train.epochs(30).pipe(schedule(stepLR({ lr: 0.1, stepSize: 10 }), { interval: "epoch" }), trainSteps(step, state0));
 */
export const schedule = <B>(s: Schedule, { interval = "step" }: { readonly interval?: "step" | "epoch" } = {}): OperatorFunction<LoaderBatch<B>, LoaderBatch<B>> => {
  if (typeof s !== "function") throw new Error(`schedule: expected a schedule (a function of the step), got ${typeof s}`);
  if (interval !== "step" && interval !== "epoch") throw new Error(`schedule: interval must be "step" or "epoch", got ${JSON.stringify(interval)}`);
  return map((b) => ({ ...b, lr: interval === "epoch" ? s(b.epoch) : s }));
};
