// The tagged error for a checkpoint that cannot be saved or restored (not a rivulet checkpoint, a bad header field, a missing tensor).
import { Data } from "effect";

/** A checkpoint file is not a valid training state; `message` names the file and the field. */
export class CheckpointError extends Data.TaggedError("CheckpointError")<{
  readonly file: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}
