// The tagged error for a download that failed on every mirror (offline, HTTP error, checksum mismatch).
import { Data } from "effect";

/** A file could not be downloaded: its name, and why each URL tried failed. */
export class DownloadError extends Data.TaggedError("DownloadError")<{
  readonly file: string;
  readonly attempts: readonly { readonly url: string; readonly reason: string }[];
  readonly message: string;
}> {}

/** Builds a DownloadError listing every URL tried and why it failed, with an optional diagnosis first. */
export const downloadError = (file: string, attempts: readonly { readonly url: string; readonly reason: string }[], diagnosis?: string): DownloadError =>
  new DownloadError({
    file,
    attempts,
    message: `downloading ${file} failed${diagnosis === undefined ? "" : `: ${diagnosis}`}${attempts.length === 0 ? " (no URL to try)" : `; ${attempts.map((a) => `${a.url}: ${a.reason}`).join("; ")}`}`,
  });
