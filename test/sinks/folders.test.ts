// Sinks' folders: a place that cannot take files fails at once with its real reason (no hang under /proc, no ENOENT for "read-only"), a full disk before training, a failed write stops the stream.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { from, interval, lastValueFrom, map, take, tap, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemError } from "../../src/io/FileSystemError.js";
import { prepareFolder } from "../../src/io/prepareFolder.js";
import { SinkError, openSummaryWriter, TensorBoardError, toJsonl, toCsv } from "../../src/sinks/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-folders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => new Error("expected a failure"), (e: unknown) => e);
const linux = process.platform === "linux";

describe("prepareFolder", () => {
  it("creates the missing levels, leaves no probe file behind", async () => {
    const deep = join(dir, "a", "b", "c");
    await Effect.runPromise(prepareFolder(deep));
    expect(readdirSync(deep)).toEqual([]);
  });

  it.runIf(linux)("a folder under /proc fails at once naming it (Node's recursive mkdir spins forever there)", async () => {
    const e = await failure(Effect.runPromise(prepareFolder("/proc/rivulet-x/logs")));
    expect(e).toBeInstanceOf(FileSystemError);
    expect((e as FileSystemError).message).toBe(
      "cannot create the folder /proc/rivulet-x/logs (at /proc/rivulet-x): the file system does not allow it (a virtual file system such as /proc?) (ENOENT)",
    );
  }, 5000);

  it("a full disk fails before any work (here: more free space demanded than any disk has)", async () => {
    const e = await failure(Effect.runPromise(prepareFolder(dir, { minFreeBytes: Number.MAX_SAFE_INTEGER })));
    expect((e as FileSystemError).message).toMatch(new RegExp(`^the file system of the folder ${dir} is full: \\d+ bytes free, less than the 9007199254740991 needed to start$`));
  });

  it.runIf(process.getuid?.() !== 0)("a read-only folder says permission denied, not ENOENT", async () => {
    const ro = join(dir, "ro");
    await Effect.runPromise(prepareFolder(ro));
    chmodSync(ro, 0o555);
    const inside = await failure(Effect.runPromise(prepareFolder(join(ro, "logs"))));
    expect((inside as FileSystemError).message).toBe(`cannot create the folder ${join(ro, "logs")}: permission denied (EACCES)`);
    const itself = await failure(Effect.runPromise(prepareFolder(ro)));
    expect((itself as FileSystemError).message).toBe(`cannot write files in the folder ${ro}: permission denied (EACCES)`);
    chmodSync(ro, 0o755);
  });
});

describe("sinks and the SummaryWriter use it when they open", () => {
  it.runIf(linux)("--logdir /proc/x: toJsonl, toCsv and openSummaryWriter fail at once, before any value", async () => {
    let pulled = 0;
    const values = from([1, 2, 3]).pipe(tap(() => pulled++), map((epoch) => ({ epoch })));
    const jsonl = await failure(lastValueFrom(values.pipe(toJsonl("/proc/x/metrics.jsonl"))));
    expect(jsonl).toBeInstanceOf(SinkError);
    expect((jsonl as SinkError).message).toMatch(/^toJsonl: cannot create the folder \/proc\/x: .*\(ENOENT\)$/);
    const csv = await failure(lastValueFrom(values.pipe(toCsv("/proc/x/metrics.csv"))));
    expect((csv as SinkError).message).toMatch(/^toCsv: cannot create the folder \/proc\/x/);
    const tb = await failure(openSummaryWriter("/proc/x"));
    expect(tb).toBeInstanceOf(TensorBoardError);
    expect((tb as TensorBoardError).message).toMatch(/^SummaryWriter: cannot create the log directory \/proc\/x: .*\(ENOENT\)$/);
    expect(existsSync("/proc/x")).toBe(false);
  }, 5000);

  it.runIf(linux && existsSync("/dev/full"))("a failed write (ENOSPC on /dev/full) is a SinkError that stops the stream at the first value", async () => {
    let pulled = 0;
    const received: unknown[] = [];
    const e = await failure(lastValueFrom(interval(1).pipe(take(1000), tap(() => pulled++), map((i) => ({ step: i })), toJsonl("/dev/full"), tap((v) => received.push(v)), toArray())));
    expect(e).toBeInstanceOf(SinkError);
    expect((e as SinkError).message).toMatch(/^toJsonl: .*\/dev/);
    expect(received).toEqual([]);
    expect(pulled).toBeLessThan(50);
  });
});
