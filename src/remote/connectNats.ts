// Connecting to a NATS server with bounded retries, so a server that is down is one clear error, not a hang.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { RemoteError } from "./RemoteError.js";

/** Options of `connectNats`. */
export interface ConnectNatsOptions {
  /** Tries to make the first connection before failing (default 5). */
  readonly retries?: number;
  /** Milliseconds between tries, and between reconnect attempts later (default 250). */
  readonly retryDelayMs?: number;
  /** Reconnect attempts after a connection is lost before it closes for good (default 20, about 5 s). */
  readonly maxReconnectAttempts?: number;
  /** The connection's name, shown by the server's monitoring. */
  readonly name?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Connects to the NATS server at `url` (`nats://host:port`, credentials as `nats://user:pass@host:port`). The first
 * connection is tried `retries` times; a lost connection reconnects at most `maxReconnectAttempts` times, then
 * closes, and every stream using it fails with a RemoteError. Fails with RemoteError ("unavailable") naming the URL.
 * @example
 * const nc = await connectNats("nats://127.0.0.1:4222");
 */
export const connectNats = async (url: string, { retries = 5, retryDelayMs = 250, maxReconnectAttempts = 20, name = "rivulet" }: ConnectNatsOptions = {}): Promise<NatsConnection> => {
  if (typeof url !== "string" || !/^(nats|tls|wss?):\/\//.test(url) && !/^[\w.-]+:\d+$/.test(url))
    throw new RemoteError({ failure: "unavailable", message: `connectNats: expected a server URL like nats://127.0.0.1:4222, got ${JSON.stringify(url)}` });
  if (!Number.isInteger(retries) || retries < 1) throw new RemoteError({ failure: "unavailable", message: `connectNats: retries must be a positive integer, got ${retries}` });
  let last: unknown;
  for (let attempt = 1; attempt <= retries; attempt++) {
    try {
      return await connect({ servers: url, name, maxReconnectAttempts, reconnectTimeWait: retryDelayMs, timeout: 2000 });
    } catch (e) {
      last = e;
      if (attempt < retries) await sleep(retryDelayMs);
    }
  }
  const reason = last instanceof Error ? last.message : String(last);
  throw new RemoteError({ failure: "unavailable", message: `cannot reach the NATS server at ${url} after ${retries} tries: ${reason}`, cause: last });
};
