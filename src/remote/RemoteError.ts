// The tagged error for streams that cross processes: a NATS server that cannot be reached or went away, or a message that cannot be decoded.
import { Data } from "effect";

/** What went wrong on the wire: the server (unreachable, closed), a message (malformed), or a request (timed out). */
export type RemoteFailure = "unavailable" | "closed" | "malformed" | "timeout";

/** A remote stream failed; `subject` and `seq` name the message where one is at fault. */
export class RemoteError extends Data.TaggedError("RemoteError")<{
  readonly failure: RemoteFailure;
  readonly message: string;
  readonly subject?: string;
  readonly seq?: number;
  readonly cause?: unknown;
}> {}

/** A RemoteError for a message that cannot be decoded, naming its subject and stream sequence number. */
export const malformedMessage = (subject: string, seq: number, reason: string, cause?: unknown): RemoteError =>
  new RemoteError({ failure: "malformed", subject, seq, message: `malformed message on ${subject} (stream sequence ${seq}): ${reason}`, cause });
