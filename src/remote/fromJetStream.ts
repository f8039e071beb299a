// A pull-consumer source over a JetStream stream: messages are asked for when the pipeline is ready, and acknowledged only by the code that used them.
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { fromPull, type PullSource } from "../streams/pull.js";
import { decodeMessage, type Message } from "./messageCodec.js";
import { RemoteError, malformedMessage } from "./RemoteError.js";

/**
 * One message taken from a JetStream consumer. Call `ack()` after the step that used `value` (at-least-once: an
 * unacknowledged message is redelivered after the consumer's ack wait), `nak()` to have it redelivered now, `term()`
 * to drop it for good, and `working()` to extend the ack wait while a long step runs.
 */
export interface Delivery<T> {
  readonly value: T;
  readonly subject: string;
  /** The stream sequence number. */
  readonly seq: number;
  /** True when the server delivered this message before and it was not acknowledged then. */
  readonly redelivered: boolean;
  ack(): void;
  nak(delayMs?: number): void;
  term(): void;
  working(): void;
}

/** Options of `fromJetStream`. */
export interface FromJetStreamOptions<T> {
  /** The stream's name. */
  readonly stream: string;
  /** A durable pull consumer on it (created beforehand, for example by `ensureConsumer`). */
  readonly consumer: string;
  /** Bytes to value (default `decodeMessage`); a throw rejects the message, it never ends the source. */
  readonly decode?: (bytes: Uint8Array, source: string) => T;
  /** Messages requested ahead of the one being used (default 1: strictly on demand). */
  readonly readAhead?: number;
  /** Told about each rejected message (default: one line on stderr naming its subject and sequence number). */
  readonly onRejected?: (error: RemoteError) => void;
}

const reportToStderr = (e: RemoteError): void => void process.stderr.write(`rivulet: ${e.message}; dropped\n`);

/**
 * Messages of a JetStream pull consumer as a rivulet source: the next message is requested only when the pipeline
 * has taken the previous one (so backpressure holds across the network), each arrives decoded with its `ack`. A
 * message that cannot be decoded is terminated and reported with its subject and sequence number; the source goes
 * on. The source ends with a RemoteError when the connection closes for good; unsubscribing stops the pulls.
 * @example
 * fromJetStream<Batch>(js, { stream: "BATCHES", consumer: "trainer" }).pipe(
 *   take(100),
 *   mapAsync(async (d) => { const next = await step(d.value); d.ack(); return next; }),
 * );
 */
export const fromJetStream = <T = Message>(js: JetStreamClient, { stream, consumer, decode, readAhead = 1, onRejected = reportToStderr }: FromJetStreamOptions<T>): PullSource<Delivery<T>> => {
  if (!Number.isInteger(readAhead) || readAhead < 1) throw new Error(`fromJetStream: readAhead must be a positive integer, got ${readAhead}`);
  const decodeBytes = decode ?? ((bytes: Uint8Array, source: string) => decodeMessage(bytes, source) as T);
  return fromPull<Delivery<T>>(() =>
    (async function* () {
      let c;
      try {
        c = await js.consumers.get(stream, consumer);
      } catch (e) {
        throw new RemoteError({ failure: "unavailable", message: `fromJetStream: no consumer "${consumer}" on stream "${stream}": ${(e as Error).message}`, cause: e });
      }
      const messages = await c.consume({ max_messages: readAhead });
      try {
        for await (const m of messages as AsyncIterable<JsMsg>) {
          let value: T;
          try {
            value = decodeBytes(m.data, `${m.subject} #${m.seq}`);
          } catch (e) {
            m.term();
            onRejected(malformedMessage(m.subject, m.seq, e instanceof Error ? e.message : String(e), e));
            continue;
          }
          yield {
            value,
            subject: m.subject,
            seq: m.seq,
            redelivered: m.redelivered,
            ack: () => m.ack(),
            nak: (delayMs?: number) => m.nak(delayMs),
            term: () => m.term(),
            working: () => m.working(),
          };
        }
      } finally {
        messages.stop();
      }
      throw new RemoteError({ failure: "closed", message: `fromJetStream: the connection to NATS closed while consuming "${consumer}" on stream "${stream}"` });
    })(),
  );
};
