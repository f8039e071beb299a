// Distributed data preparation: `rivulet worker` processes prepare an epoch's batches; killing workers at random moments loses and duplicates nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, connectNats, remoteLoader, workerDataset, key, randint, type NatsServer, type Tensor } from "../../src/index.js";

let server: NatsServer;
let nc: NatsConnection;
const workers: ChildProcess[] = [];

const startWorker = (url: string): ChildProcess => {
  const child = spawn(process.execPath, ["bin/rivulet.js", "worker", "--nats", url, "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  workers.push(child);
  return child;
};

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(server.url);
}, 20_000);
afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await nc?.close();
  await server?.close();
});

describe("remoteLoader with rivulet worker processes", () => {
  it("sees every sample exactly once per epoch while workers are killed mid-run", async () => {
    const module = fileURLToPath(new URL("./_slowRange.ts", import.meta.url));
    // 240 samples, each read taking 40 ms: 30 batches of 8, two batches per task.
    const ds = await workerDataset<{ input: Tensor; target: number }>({ module, export: "slowRange", args: [240, 40] });
    const remote = remoteLoader<{ input: Tensor; target: number }, { input: Tensor; target: Tensor }>(nc, ds, {
      job: "kill-test", batchSize: 8, shuffle: true, seed: 3, batchesPerTask: 2, taskTimeoutMs: 1500,
    });
    expect(remote.length).toBe(30);
    const pool = [startWorker(server.url), startWorker(server.url), startWorker(server.url)];
    // Random moments (from a fixed key, so a failure replays): kill two of the three workers after these many batches.
    const [k1, k2] = randint(key(7), 1, 12, [2]).dataSync() as Int32Array;
    const killAt = new Map([[k1!, pool[0]!], [k1! + k2!, pool[1]!]]);
    const seen: number[] = [];
    let batches = 0;
    for await (const d of remote.epoch(0)) {
      seen.push(...(d.value.batch.input.dataSync() as Float32Array));
      d.ack();
      batches++;
      killAt.get(batches)?.kill("SIGKILL");
    }
    expect(batches).toBe(30);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 240 }, (_, i) => i));
    // Shuffled as `loader` shuffles: not in index order.
    expect(seen).not.toEqual(Array.from({ length: 240 }, (_, i) => i));
    // The survivor serves the next epoch alone.
    const again: number[] = [];
    for await (const d of remote.epoch(1)) {
      again.push(...(d.value.batch.input.dataSync() as Float32Array));
      d.ack();
    }
    expect([...again].sort((a, b) => a - b)).toEqual(Array.from({ length: 240 }, (_, i) => i));
    expect(pool[2]!.exitCode).toBe(null);
  }, 90_000);

  it("refuses a dataset without a recipe and a job name that cannot be a subject", async () => {
    expect(() => remoteLoader(nc, { length: 1, get: () => 0 } as never, { job: "x" })).toThrow(/must come from workerDataset/);
    const module = fileURLToPath(new URL("./_slowRange.ts", import.meta.url));
    const ds = await workerDataset<{ input: Tensor; target: number }>({ module, export: "slowRange", args: [4, 0] });
    expect(() => remoteLoader(nc, ds, { job: "a.b" })).toThrow(/job must be letters, digits/);
  });
});
