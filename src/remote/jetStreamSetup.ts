// Creating (or reusing) the JetStream streams and durable pull consumers that remote pipelines read and write.
import type { NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, RetentionPolicy, jetstreamManager } from "@nats-io/jetstream";
import { RemoteError } from "./RemoteError.js";

/** Options of `ensureStream`. */
export interface StreamOptions {
  readonly name: string;
  /** Subjects it stores, wildcards allowed (`rivulet.batches.>`). */
  readonly subjects: readonly string[];
  /** A work queue deletes each message once acknowledged (default false: keep within limits). */
  readonly workQueue?: boolean;
  /** How long message ids are remembered for de-duplication (default 2 minutes). */
  readonly duplicateWindowMs?: number;
}

const ms = (x: number): number => Math.round(x * 1e6); // JetStream durations are nanoseconds

/**
 * Creates the stream, or updates it when one of that name exists, so every process of a pipeline can call it.
 * @example
 * await ensureStream(nc, { name: "BATCHES", subjects: ["rivulet.batches.>"], workQueue: true });
 */
export const ensureStream = async (nc: NatsConnection, { name, subjects, workQueue = false, duplicateWindowMs = 120_000 }: StreamOptions): Promise<void> => {
  const jsm = await jetstreamManager(nc);
  const config = {
    name,
    subjects: [...subjects],
    retention: workQueue ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    duplicate_window: ms(duplicateWindowMs),
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (e) {
    if (!/not found/i.test((e as Error).message)) throw new RemoteError({ failure: "unavailable", message: `ensureStream ${name}: ${(e as Error).message}`, cause: e });
    await jsm.streams.add(config);
  }
};

/** Options of `ensureConsumer`. */
export interface ConsumerOptions {
  /** The durable consumer's name; every process using the same name shares its messages. */
  readonly name: string;
  /** Only messages on this subject (wildcards allowed). */
  readonly filterSubject?: string;
  /** An unacknowledged message is redelivered after this long (default 30 s). */
  readonly ackWaitMs?: number;
  /** Deliveries of one message before the server gives up on it (default unlimited). */
  readonly maxDeliver?: number;
}

/**
 * Creates a durable pull consumer with explicit acknowledgement on `stream` (or keeps the existing one).
 * @example
 * await ensureConsumer(nc, "BATCHES", { name: "trainer", ackWaitMs: 10_000 });
 */
export const ensureConsumer = async (nc: NatsConnection, stream: string, { name, filterSubject, ackWaitMs, maxDeliver = -1 }: ConsumerOptions): Promise<void> => {
  const jsm = await jetstreamManager(nc);
  let existing;
  try {
    existing = await jsm.consumers.info(stream, name);
  } catch {
    existing = undefined;
  }
  if (existing !== undefined) {
    // Whoever asks for an ack wait explicitly (the trainer) sets it, even when a worker created the consumer first.
    if (ackWaitMs !== undefined && existing.config.ack_wait !== ms(ackWaitMs)) await jsm.consumers.update(stream, name, { ack_wait: ms(ackWaitMs) });
  } else {
    await jsm.consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ms(ackWaitMs ?? 30_000),
      max_deliver: maxDeliver,
      ...(filterSubject === undefined ? {} : { filter_subject: filterSubject }),
    });
  }
};
