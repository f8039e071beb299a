// Distributed PPO: `rivulet actor` processes feed one learner over a real nats-server; killing actors slows learning but stops nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { lastValueFrom, tap, toArray } from "rxjs";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, connectNats, ppoFromActors, concatRollouts, key, type NatsServer, type Rollout } from "../../src/index.js";

let server: NatsServer;
let nc: NatsConnection;
const children: ChildProcess[] = [];

const startActor = (url: string, run: string, seed: number): ChildProcess => {
  const child = spawn(process.execPath, ["bin/rivulet.js", "actor", "--nats", url, "--run", run, "--env", "cartpole", "--seed", String(seed), "--num-envs", "2", "--num-steps", "32", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  return child;
};
const exited = (c: ChildProcess): Promise<number | null> => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once("exit", (code) => r(code))));

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(server.url);
}, 20_000);
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await nc?.close();
  await server?.close();
});

describe("ppoFromActors with rivulet actor processes", () => {
  it("learns from four actors, survives two being killed, and stops the rest when done", async () => {
    const run = "kill-actors";
    const actors = [0, 1, 2, 3].map((s) => startActor(server.url, run, s));
    const seenActors = new Set<string>();
    let updates = 0;
    const metrics = await lastValueFrom(
      ppoFromActors(nc, { run, env: "cartpole", key: key(1), totalTimesteps: 40 * 64, rolloutSize: 64, rolloutsPerUpdate: 2, numMinibatches: 2, updateEpochs: 2, maxPolicyLag: 1 }).pipe(
        tap((m) => {
          for (const a of m.actors) seenActors.add(a.split("-")[1]!);
          updates++;
          // Two actors die mid-run, as a machine might.
          if (updates === 5) actors[0]!.kill("SIGKILL");
          if (updates === 10) actors[1]!.kill("SIGKILL");
        }),
        toArray(),
      ),
    );
    const last = metrics[metrics.length - 1]!;
    expect(last.env_steps).toBeGreaterThanOrEqual(40 * 64);
    expect(metrics.every((m) => m.policy_lag <= 1)).toBe(true);
    expect(metrics.map((m) => m.iteration)).toEqual(metrics.map((_, i) => i + 1));
    expect(seenActors.size).toBeGreaterThanOrEqual(2);
    expect(Number.isFinite(last.policy_loss) && Number.isFinite(last.value_loss)).toBe(true);
    // The survivors see the run marked done and exit on their own.
    expect(await exited(actors[2]!)).toBe(0);
    expect(await exited(actors[3]!)).toBe(0);
  }, 120_000);

  it("drops a malformed rollout with its subject and sequence number and goes on", async () => {
    const run = "malformed";
    const js = jetstream(nc);
    const { ensureStream } = await import("../../src/index.js");
    await ensureStream(nc, { name: "RIVULET_ROLLOUTS", subjects: ["rivulet.rl.>"] });
    await js.publish(`rivulet.rl.${run}.rollouts`, new TextEncoder().encode("garbage"));
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errors.push(String(s)), true)) as typeof process.stderr.write;
    try {
      const actor = startActor(server.url, run, 9);
      const metrics = await lastValueFrom(ppoFromActors(nc, { run, env: "cartpole", key: key(2), totalTimesteps: 3 * 64, rolloutSize: 64, numMinibatches: 1, updateEpochs: 1 }).pipe(toArray()));
      expect(metrics.length).toBeGreaterThanOrEqual(3);
      expect(await exited(actor)).toBe(0);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join("")).toMatch(/malformed message on rivulet\.rl\.malformed\.rollouts \(stream sequence \d+\)/);
  }, 60_000);

  it("refuses a run name that cannot be a subject, at the call", () => {
    expect(() => ppoFromActors(nc, { run: "a.b", env: "cartpole", key: key(0) })).toThrow(/run must be letters/);
    expect(() => ppoFromActors(nc, { run: "ok", env: "cartpole", key: key(0), rolloutsPerUpdate: 0 })).toThrow(/rolloutsPerUpdate must be a positive integer/);
  });
});

describe("rivulet rl --actors", () => {
  const inProcess = async (args: readonly string[]) => {
    const { main } = await import("../../src/cli/main.js");
    let [stdout, stderr] = ["", ""];
    const code = await main(args, { out: (l) => void (stdout += `${l}\n`), err: { isTTY: false, write: (s: string) => void (stderr += s) } });
    return { code, stdout, stderr };
  };

  it("trains with actor processes and a local nats-server, and prints the same summary", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "rivulet-rl-actors-"));
    try {
      const r = await inProcess(["rl", "--env", "cartpole", "--actors", "2", "--num-envs", "2", "--total-timesteps", "1024", "--logdir", dir, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout.trim().split("\n").pop()!) as { env_steps: number; mean_return: number; episodes: number };
      expect(summary.env_steps).toBeGreaterThanOrEqual(1024);
      expect(summary.episodes).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/starting 2 actor processes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("refuses --nats without --actors, and --actors with dqn", async () => {
    expect(await inProcess(["rl", "--nats", "nats://127.0.0.1:4222"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--nats: names the server for --actors/) });
    expect(await inProcess(["rl", "--algo", "dqn", "--actors", "2"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--actors: distributed acting runs PPO/) });
  });
});

describe("concatRollouts", () => {
  it("joins rollouts along the environment axis, time-major", () => {
    const r = (n: number, base: number): Rollout => ({
      numSteps: 2, numEnvs: n, observationSize: 1, actionWidth: 1, envSteps: 2 * n,
      observations: Float32Array.from({ length: 2 * n }, (_, i) => base + i), actions: new Float32Array(2 * n), logProbs: new Float32Array(2 * n),
      values: new Float32Array(2 * n), rewards: Float32Array.from({ length: 2 * n }, (_, i) => base + i), terminated: new Uint8Array(2 * n), truncated: new Uint8Array(2 * n),
      finalValues: new Float32Array(2 * n), lastValues: Float32Array.from({ length: n }, (_, i) => base + 100 + i), episodes: [{ return: base, length: 1 }],
    });
    // Rollout A: 1 env, rows t0 = [0], t1 = [1]; rollout B: 2 envs, rows t0 = [10, 11], t1 = [12, 13].
    const j = concatRollouts([r(1, 0), r(2, 10)], 6);
    expect(j.numEnvs).toBe(3);
    expect(Array.from(j.rewards)).toEqual([0, 10, 11, 1, 12, 13]);
    expect(Array.from(j.observations)).toEqual([0, 10, 11, 1, 12, 13]);
    expect(Array.from(j.lastValues)).toEqual([100, 110, 111]);
    expect(j.episodes.map((e) => e.return)).toEqual([0, 10]);
    expect(j.envSteps).toBe(6);
    expect(() => concatRollouts([r(1, 0), { ...r(1, 0), numSteps: 3 }], 0)).toThrow(/cannot be joined/);
  });
});
