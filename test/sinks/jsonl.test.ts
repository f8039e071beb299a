// Tests for toJsonl: lines parsed back with JSON.parse, appending across runs, torn lines, errors naming the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { from, lastValueFrom, of, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { scalar, tensor } from "../../src/index.js";
import { SinkError, toJsonl } from "../../src/sinks/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-jsonl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (path: string): unknown[] =>
  readFileSync(path, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown);

const failure = async (p: Promise<unknown>): Promise<SinkError> => {
  try {
    await p;
  } catch (e) {
    return e as SinkError;
  }
  throw new Error("expected the stream to fail");
};

describe("toJsonl", () => {
  it("writes one JSON object per value, flattening records and reading one-element tensors, and passes values on", async () => {
    const path = join(dir, "a", "nested", "m.jsonl"); // the folders are created
    const values = [
      { epoch: 1, train: { loss: scalar(0.5), acc: 0.75 }, note: 'a "quoted"\nline' },
      { epoch: 2, train: { loss: scalar(0.25), acc: 0.875 }, lr: undefined, diverged: Number.NaN },
    ];
    const seen = await lastValueFrom(from(values).pipe(toJsonl(path), toArray()));
    expect(seen[0]).toBe(values[0]); // values pass through by identity
    expect(seen).toEqual(values);
    expect(lines(path)).toEqual([
      { epoch: 1, "train.loss": 0.5, "train.acc": 0.75, note: 'a "quoted"\nline' },
      { epoch: 2, "train.loss": 0.25, "train.acc": 0.875, diverged: null },
    ]);
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(3); // two lines and the final newline
  });

  it("appends on a resumed run and fences off a torn last line", async () => {
    const path = join(dir, "resume.jsonl");
    await lastValueFrom(of({ epoch: 1 }).pipe(toJsonl(path)));
    writeFileSync(path, readFileSync(path, "utf8") + '{"epoch": 2, "lo'); // a crash mid-line
    await lastValueFrom(of({ epoch: 3 }).pipe(toJsonl(path)));
    expect(readFileSync(path, "utf8")).toBe('{"epoch":1}\n{"epoch": 2, "lo\n{"epoch":3}\n');
  });

  it("fails at subscription, before any value, naming the file when the folder cannot be created", async () => {
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "a file, not a folder");
    const path = join(blocker, "m.jsonl");
    const e = await failure(lastValueFrom(of({ epoch: 1 }).pipe(toJsonl(path))));
    expect(e).toBeInstanceOf(SinkError);
    expect(e).toMatchObject({ _tag: "SinkError", sink: "toJsonl", file: blocker });
    expect(e.message).toMatch(/^toJsonl: cannot create the folder .*blocker: .*(EEXIST|ENOTDIR)/);
  });

  it("fails naming the field for a value that is not a metric record", async () => {
    const path = join(dir, "bad.jsonl");
    const e = await failure(lastValueFrom(of({ epoch: 1, w: tensor([1, 2]) }).pipe(toJsonl(path))));
    expect(e.message).toBe(`toJsonl: field "w" is a tensor of shape [2]; a metric must be a scalar (take .mean() or .item() first)`);
    expect(readFileSync(path, "utf8")).toBe("");
  });

  it("errors the stream when a write fails after earlier values were written", async () => {
    const path = join(dir, "partial.jsonl");
    const e = await failure(lastValueFrom(from([{ epoch: 1 }, { epoch: 2, bad: [1] }, { epoch: 3 }]).pipe(toJsonl(path), toArray())));
    expect(e.message).toContain(`field "bad" is an array`);
    expect(lines(path)).toEqual([{ epoch: 1 }]);
  });
});
