// Downloads like torchvision's download_url: streamed to a temporary file, MD5-checked, renamed into place, mirror after mirror.
import { Cause, Effect, Exit } from "effect";
import { downloadError, type DownloadError } from "./DownloadError.js";

export interface DownloadUrlOptions {
  /** Expected MD5 (hex) of the file; a mismatch rejects the download and nothing is left at `path`. */
  readonly md5?: string;
}

// Errors that mean the network (or the host) is unreachable rather than that the server answered badly.
const OFFLINE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET", "UND_ERR_CONNECT_TIMEOUT"]);

const codeOf = (e: unknown): string | undefined => {
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
};

const reasonOf = (e: unknown): string => {
  const message = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : undefined;
  return cause !== undefined && cause !== message ? `${message} (${cause})` : message;
};

/** One attempt: stream `url` into `temp` while hashing, verify, rename to `path`. Rejects with the reason. */
const fetchInto = async (url: string, temp: string, path: string, md5: string | undefined, signal: AbortSignal): Promise<void> => {
  const [{ open, rename }, { createHash }] = await Promise.all([import("node:fs/promises"), import("node:crypto")]);
  const response = await fetch(url, { signal, redirect: "follow" });
  if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  const hash = createHash("md5");
  // "wx": the temporary name is fresh, so the file is certainly ours to remove on failure.
  const handle = await open(temp, "wx");
  try {
    for await (const chunk of response.body) {
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  const digest = hash.digest("hex");
  if (md5 !== undefined && digest !== md5.toLowerCase()) throw new Error(`checksum mismatch: expected MD5 ${md5.toLowerCase()}, got ${digest}`);
  await rename(temp, path);
};

/**
 * Downloads the first of `urls` that answers with the right bytes to `path`: each attempt streams into a temporary
 * file beside `path`, checks the MD5 when given, and only then renames it into place; a failed attempt leaves nothing
 * behind and the next mirror is tried. Fails with a DownloadError listing every URL and why it failed (saying so when
 * the network looks unreachable).
 * @example
 * await Effect.runPromise(downloadUrl(["https://mirror-a/x.gz", "https://mirror-b/x.gz"], "data/raw/x.gz", { md5: "..." }));
 */
export const downloadUrl = (urls: string | readonly string[], path: string, { md5 }: DownloadUrlOptions = {}): Effect.Effect<void, DownloadError> =>
  Effect.gen(function* () {
    const { rm } = yield* Effect.promise(() => import("node:fs/promises"));
    const { basename, dirname, join } = yield* Effect.promise(() => import("node:path"));
    const list = typeof urls === "string" ? [urls] : urls;
    const attempts: { url: string; reason: string; offline: boolean }[] = [];
    for (const url of list) {
      const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.part`);
      const exit = yield* Effect.exit(
        Effect.tryPromise({ try: (signal) => fetchInto(url, temp, path, md5, signal), catch: (e) => e }).pipe(
          // Whatever happened (an error, interruption), a partial download must not survive.
          Effect.onExit((ex) => (Exit.isSuccess(ex) ? Effect.void : Effect.promise(() => rm(temp, { force: true }).catch(() => undefined)))),
        ),
      );
      if (Exit.isSuccess(exit)) return;
      const error = Cause.squash(exit.cause);
      attempts.push({ url, reason: reasonOf(error), offline: OFFLINE_CODES.has(codeOf(error) ?? "") });
    }
    const offline = attempts.length > 0 && attempts.every((a) => a.offline);
    return yield* Effect.fail(
      downloadError(
        basename(path),
        attempts.map(({ url, reason }) => ({ url, reason })),
        offline ? "the network looks unreachable (offline?)" : undefined,
      ),
    );
  });
