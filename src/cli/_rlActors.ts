// `rivulet rl --actors N [--nats URL]`: PPO with N actor processes feeding this process's learner over NATS JetStream.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CliIo } from "./CliIo.js";
import { RunFailure } from "./errors.js";

/** What the distributed run needs from `rivulet rl`'s options. */
export interface ActorsRun {
  readonly env: string;
  readonly seed: number;
  readonly actors: number;
  readonly nats: string | undefined;
  readonly numEnvs: number;
  readonly numSteps: number;
  readonly totalTimesteps: number;
}

const BIN = fileURLToPath(new URL("../../bin/rivulet.js", import.meta.url));

/**
 * Starts a local nats-server when no URL is given, spawns the actor processes (`rivulet actor`, seeds seed·1000 + i), and
 * runs the learner; resolves with the learner's metrics stream's result. Actors stop by themselves when the run is
 * done; any still running at the end (or on failure) are killed, and the local server is stopped.
 */
export const withActors = async <T>(run: ActorsRun, io: CliIo, learn: (nc: import("@nats-io/transport-node").NatsConnection, runName: string) => Promise<T>): Promise<T> => {
  const { connectNats, startNatsServer } = await import("../remote/index.js");
  const server = run.nats === undefined ? await startNatsServer() : undefined;
  const url = run.nats ?? server!.url;
  const runName = `${run.env}-${run.seed}-${process.pid}`;
  const children: ChildProcess[] = [];
  let nc;
  try {
    nc = await connectNats(url, { name: `rivulet-learner-${process.pid}` });
    io.err.write(`rl: learner for run ${runName} on ${url}; starting ${run.actors} actor process${run.actors === 1 ? "" : "es"}\n`);
    for (let i = 0; i < run.actors; i++) {
      const child = spawn(process.execPath, [BIN, "actor", "--nats", url, "--run", runName, "--env", run.env, "--seed", String(run.seed * 1000 + i), "--num-envs", String(run.numEnvs), "--num-steps", String(run.numSteps), "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
      let tail = "";
      child.stderr?.on("data", (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
      child.on("exit", (code, signal) => {
        if (code !== 0 && code !== null) io.err.write(`rl: actor ${i} exited with code ${code}: ${tail.trim().split("\n").pop() ?? ""}\n`);
        else if (signal !== null && signal !== "SIGTERM") io.err.write(`rl: actor ${i} was killed (${signal}); the others go on\n`);
      });
      children.push(child);
    }
    return await learn(nc, runName);
  } catch (e) {
    throw e instanceof Error && "_tag" in e ? e : new RunFailure({ message: `rl --actors: ${(e as Error).message}`, cause: e });
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await nc?.close();
    await server?.close();
  }
};
