// The tagged error for a safetensors file that cannot be encoded or decoded (bad header, offsets, dtype, data).
import { Data } from "effect";

/** A safetensors file (or the tensors meant for one) is invalid; `reason` names the file, the field and what was expected. */
export class SafetensorsError extends Data.TaggedError("SafetensorsError")<{
  readonly file: string;
  readonly reason: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}

/** Builds a SafetensorsError whose message is its reason. */
export const safetensorsError = (file: string, reason: string, cause?: unknown): SafetensorsError =>
  new SafetensorsError({ file, reason, message: reason, cause });
