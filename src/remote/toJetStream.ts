// A sink operator that publishes every value to JetStream and waits for the server's acknowledgement, with message ids for de-duplication.
import type { JetStreamClient } from "@nats-io/jetstream";
import type { OperatorFunction } from "rxjs";
import { mapAsync } from "../streams/mapAsync.js";
import { encodeMessage, type Message } from "./messageCodec.js";
import { RemoteError } from "./RemoteError.js";

/** What `toJetStream` emits for each value once the server has stored it. */
export interface Published<T> {
  readonly value: T;
  readonly stream: string;
  readonly seq: number;
  /** True when the server had already stored a message with the same id (inside the stream's duplicate window). */
  readonly duplicate: boolean;
}

/** Options of `toJetStream`. */
export interface ToJetStreamOptions<T> {
  /** The subject, or a function of the value and its index. */
  readonly subject: string | ((value: T, index: number) => string);
  /** Value to bytes (default `encodeMessage`). */
  readonly encode?: (value: T) => Uint8Array;
  /** The message id (`Nats-Msg-Id`): a republished value with the same id is stored once. */
  readonly msgId?: (value: T, index: number) => string;
}

/**
 * Publishes each value to JetStream, one at a time, and emits it with its stream sequence number once stored; while a
 * publish is in flight the rivulet source upstream is paused. A publish the server refuses (no stream for the
 * subject, server gone) fails the stream with a RemoteError naming the subject.
 * @example
 * batches$.pipe(toJetStream(js, { subject: "rivulet.batches.job.0", msgId: (b, i) => `job.0.${i}` })).subscribe();
 */
export const toJetStream = <T = Message>(js: JetStreamClient, { subject, encode, msgId }: ToJetStreamOptions<T>): OperatorFunction<T, Published<T>> => {
  const bytesOf = encode ?? ((v: T) => encodeMessage(v as Message));
  return mapAsync(async (value: T, index: number) => {
    const to = typeof subject === "string" ? subject : subject(value, index);
    const id = msgId?.(value, index);
    try {
      const ack = await js.publish(to, bytesOf(value), id === undefined ? undefined : { msgID: id });
      return { value, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (e) {
      throw new RemoteError({ failure: "unavailable", subject: to, message: `toJetStream: publishing to ${to} failed: ${(e as Error).message}`, cause: e });
    }
  });
};
