// record: writes every value of a stream (tensors included) to a recording file as it flows, passing the values on unchanged.
import { Observable, type MonoTypeOperatorFunction } from "rxjs";
import { pauseSource } from "./pull.js";
import { RecordingError } from "./RecordingError.js";
import { FORMAT, VERSION, encodeValue } from "./_recordingCodec.js";
import { sealLine } from "./_lineChecksum.js";
import { newTempPath, releaseTempPath, removeStaleTemps } from "../io/_tempFiles.js";

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Records the stream to `path` as JSON lines: a header, one line per value (its index, the value with tensors as
 * dtype, shape and their exact bytes, a CRC-32 of the line), and how the stream ended (complete, error or
 * unsubscribed) with the number of records. The file is appended to a temporary
 * name as values flow and renamed into place when the stream ends, so `path` never holds half a recording.
 * The source is paused while a line is being written. Downstream completes once the file is in place.
 * @example
 * await lastValueFrom(steps$.pipe(map((s) => s.metrics), record("run/metrics.jsonl")));
 */
export const record = <T>(path: string): MonoTypeOperatorFunction<T> => (source) =>
  new Observable<T>((subscriber) => {
    let failed = false;
    let finished = false;
    let count = 0;
    const fail = (e: unknown, at: number, field = ""): RecordingError =>
      e instanceof RecordingError ? e : new RecordingError({ file: path, record: at, field, message: `record: ${path}: record ${at}${field ? `, ${field}` : ""}: ${reasonOf(e)}`, cause: e });
    const files = (async () => {
      const fs = await import("node:fs/promises");
      // Temporary files of recordings of this path whose process was killed are removed first.
      await removeStaleTemps(path);
      const temp = await newTempPath(path);
      const handle = await fs.open(temp, "wx").catch((e: unknown) => {
        releaseTempPath(temp);
        throw e;
      });
      return { fs, temp, handle };
    })();
    let chain: Promise<unknown> = files.then(({ handle }) => handle.write(`${JSON.stringify({ format: FORMAT, version: VERSION })}\n`));
    const append = (line: string, at: number): Promise<unknown> => {
      chain = chain.then(async () => (await files).handle.write(line)).catch((e: unknown) => {
        throw fail(e, at);
      });
      return chain;
    };
    const abandon = async (): Promise<void> => {
      const { fs, temp, handle } = await files;
      await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true }).catch(() => undefined);
      releaseTempPath(temp);
    };
    const finish = (end: object): Promise<void> => {
      finished = true;
      append(`${sealLine({ ...end, count })}\n`, count);
      return chain
        .then(async () => {
          const { fs, temp, handle } = await files;
          await handle.sync();
          await handle.close();
          await fs.rename(temp, path);
          releaseTempPath(temp);
        })
        .catch(async (e: unknown) => {
          await abandon();
          throw fail(e, count);
        });
    };
    const subscription = source.subscribe({
      next: (value) => {
        // A synchronous source may keep emitting after the consumer unsubscribed, before it learns so.
        if (failed || finished || subscriber.closed) return;
        let line: string;
        try {
          line = `${sealLine({ i: count, v: encodeValue(value) })}\n`;
        } catch (e) {
          failed = true;
          void finish({ end: "error", name: "RecordingError", message: reasonOf(e) }).catch(() => undefined);
          subscriber.error(fail(e, count));
          return;
        }
        const at = count++;
        const written = append(line, at);
        written.catch((e: unknown) => {
          if (failed) return;
          failed = true;
          void abandon();
          subscriber.error(fail(e, at));
        });
        pauseSource(written.catch(() => undefined));
        subscriber.next(value);
      },
      error: (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        finish({ end: "error", name: err.name, message: err.message }).then(() => subscriber.error(e), (w: unknown) => subscriber.error(w));
      },
      complete: () => {
        finish({ end: "complete" }).then(() => subscriber.complete(), (w: unknown) => subscriber.error(w));
      },
    });
    return () => {
      subscription.unsubscribe();
      // A consumer that stopped early (take, earlyStopping) still gets what flowed, marked as such.
      if (!finished && !failed) void finish({ end: "unsubscribed" }).catch(() => undefined);
    };
  });
