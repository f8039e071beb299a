// The tagged error for a recording that cannot be written or read back: which file, which record, which field.
import { Data } from "effect";

/** A recording is unreadable or could not be written; `record` is the 0-based value index (-1 for the file as a whole). */
export class RecordingError extends Data.TaggedError("RecordingError")<{
  readonly file: string;
  readonly record: number;
  readonly field: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}
