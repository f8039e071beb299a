// A local nats-server with JetStream on loopback, started for tests, examples and `rivulet rl --actors` without `--nats`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RemoteError } from "./RemoteError.js";

/** A running nats-server child process; `url` is where clients connect. */
export class NatsServer {
  constructor(
    /** `nats://127.0.0.1:<port>`. */
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly storeDir: string,
    private readonly ownsStore: boolean,
  ) {}

  /** Stops the server (SIGTERM, then SIGKILL after a second) and removes its JetStream store if it made one. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((done) => this.child.once("exit", () => done()));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 1000);
      await exited;
      clearTimeout(timer);
    }
    if (this.ownsStore) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Options of `startNatsServer`. */
export interface NatsServerOptions {
  /** The JetStream store folder (default: a new temporary folder, removed on close). */
  readonly storeDir?: string;
  /** The port (default: a free one chosen by the server). */
  readonly port?: number;
  /** The executable (default `nats-server` on the PATH; Debian's package `nats-server`). */
  readonly command?: string;
  /** How long to wait for the server to say it is ready (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * Starts `nats-server -js` on 127.0.0.1 and resolves once it accepts clients; fails with a RemoteError saying how to
 * install the server when it is missing. Close it when done.
 * @example
 * const server = await startNatsServer();
 * const nc = await connectNats(server.url);
 * // ...
 * await nc.close(); await server.close();
 */
export const startNatsServer = ({ storeDir, port = -1, command = "nats-server", timeoutMs = 10_000 }: NatsServerOptions = {}): Promise<NatsServer> => {
  const dir = storeDir ?? mkdtempSync(join(tmpdir(), "rivulet-nats-"));
  // -p -1 lets the server pick a free port, which it then prints; parsing it avoids a race for a port we probed.
  const child = spawn(command, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise<NatsServer>((resolve, reject) => {
    let log = "";
    let url: string | undefined;
    const fail = (message: string, cause?: unknown): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (storeDir === undefined) rmSync(dir, { recursive: true, force: true });
      reject(new RemoteError({ failure: "unavailable", message, cause }));
    };
    const timer = setTimeout(() => fail(`nats-server did not become ready within ${timeoutMs} ms; its log ends: ${log.slice(-400)}`), timeoutMs);
    const onData = (d: Buffer): void => {
      log += d.toString();
      const listening = /Listening for client connections on ([\d.]+):(\d+)/.exec(log);
      if (listening !== null) url = `nats://${listening[1]}:${listening[2]}`;
      if (url !== undefined && log.includes("Server is ready")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        // Keep draining its output so a chatty server never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(new NatsServer(url, child, dir, storeDir === undefined));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (e: NodeJS.ErrnoException) =>
      fail(e.code === "ENOENT" ? `${command} is not installed (Debian: apt-get install nats-server; or pass a server URL with --nats)` : `cannot start ${command}: ${e.message}`, e));
    child.once("exit", (code, signal) => {
      if (url === undefined || !log.includes("Server is ready")) fail(`${command} exited (${signal ?? `code ${code}`}) before it was ready; its log ends: ${log.slice(-400)}`);
    });
  });
};
