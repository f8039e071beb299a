// The tagged error for a log directory or event file that cannot be created or written, with the path and errno code.
import { Data } from "effect";

/** The file-system step that failed. */
export type TensorBoardOperation = "mkdir" | "open" | "write" | "sync" | "close";

/** A TensorBoard log directory or event file could not be created or written: which path, which step, Node's error code. */
export class TensorBoardError extends Data.TaggedError("TensorBoardError")<{
  readonly path: string;
  readonly operation: TensorBoardOperation;
  readonly code: string | undefined;
  readonly message: string;
  readonly cause: unknown;
}> {}

const codeOf = (e: unknown): string | undefined =>
  typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string" ? (e as { code: string }).code : undefined;

const WHAT: Record<TensorBoardOperation, string> = {
  mkdir: "cannot create the log directory",
  open: "cannot create the event file",
  write: "cannot write the event file",
  sync: "cannot flush the event file",
  close: "cannot close the event file",
};

/** Wraps a Node file-system failure, naming the path, what was being done and the errno. */
export const tensorBoardError = (operation: TensorBoardOperation, path: string, cause: unknown): TensorBoardError => {
  const code = codeOf(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new TensorBoardError({ path, operation, code, cause, message: `SummaryWriter: ${WHAT[operation]} ${path} (${code ?? "error"}): ${detail}` });
};
