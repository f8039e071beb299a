// writeFileAtomic's temporary files: unique per process, removed on failure and on exit, and a killed writer's removed by the next write.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemError } from "../../src/io/FileSystemError.js";
import { writeFileAtomic } from "../../src/io/writeFileAtomic.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (path: string, text: string) => Effect.runPromise(writeFileAtomic(path, new TextEncoder().encode(text)));
const WRITER = fileURLToPath(new URL("./_tempWriter.ts", import.meta.url));

/** Runs the helper with tsx; resolves with the temporary path it printed. */
const child = (target: string, how: "kill" | "exit"): Promise<string> =>
  new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", WRITER, target, how], (_error, stdout) => resolve(stdout.trim()));
  });

const uuid = "0f0e0d0c-0b0a-4908-8706-050403020100";

describe("writeFileAtomic's temporary files", () => {
  it("writes the file and leaves nothing else", async () => {
    const path = join(dir, "plain.bin");
    await write(path, "hello");
    expect(readFileSync(path, "utf8")).toBe("hello");
    expect(readdirSync(dir).filter((n) => n.includes("plain"))).toEqual(["plain.bin"]);
  });

  it("a failed write removes its temporary file and is a FileSystemError", async () => {
    const path = join(dir, "no-such-folder", "x.bin");
    const e = await Effect.runPromise(Effect.flip(writeFileAtomic(path, new Uint8Array(4))));
    expect(e).toBeInstanceOf(FileSystemError);
    expect(e.operation).toBe("open");
  });

  it("the temporary file of a killed writer is removed by the next write to that path", async () => {
    const path = join(dir, "model.safetensors");
    const temp = await child(path, "kill");
    expect(temp).toMatch(new RegExp(`/\\.model\\.safetensors\\.\\d+\\.[0-9a-f-]{36}\\.tmp$`));
    expect(existsSync(temp)).toBe(true);
    await write(path, "new");
    expect(existsSync(temp)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes("model"))).toEqual(["model.safetensors"]);
  }, 20_000);

  it("a process that exits (process.exit) removes its unfinished temporary files", async () => {
    const temp = await child(join(dir, "exiting.bin"), "exit");
    expect(temp).toMatch(/\.exiting\.bin\.\d+\..*\.tmp$/);
    expect(existsSync(temp)).toBe(false);
  }, 20_000);

  it("keeps what is not stale: a live process's temporary file, a fresh unowned one, other files", async () => {
    const path = join(dir, "keep.bin");
    const live = join(dir, `.keep.bin.${process.ppid}.${uuid}.tmp`);
    const fresh = join(dir, `.keep.bin.${uuid}.tmp`);
    const old = join(dir, `.keep.bin.${uuid.replace("0f", "1f")}.tmp`);
    const other = join(dir, `.keep.bin.backup.tmp`);
    for (const f of [live, fresh, old, other]) writeFileSync(f, "x");
    const hourAgo = Date.now() / 1000 - 3600;
    utimesSync(old, hourAgo, hourAgo);
    await write(path, "data");
    expect([live, fresh, old, other].map(existsSync)).toEqual([true, true, false, true]);
  });
});
