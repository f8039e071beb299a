// Tests for toCsv: rows read back by arquero's CSV reader, one header across resumed runs, RFC 4180 escaping, errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromCSV } from "arquero";
import { from, lastValueFrom, of } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { csvField, toCsv, type SinkError } from "../../src/sinks/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = async (p: Promise<unknown>): Promise<SinkError> => {
  try {
    await p;
  } catch (e) {
    return e as SinkError;
  }
  throw new Error("expected the stream to fail");
};

describe("toCsv", () => {
  it("writes a header and one row per value that arquero reads back", async () => {
    const path = join(dir, "m.csv");
    const values = [
      { epoch: 1, loss: 0.5, name: "plain" },
      { epoch: 2, loss: 0.25, name: 'comma, "quote"\nand newline' },
    ];
    await lastValueFrom(from(values).pipe(toCsv(path)));
    expect(fromCSV(readFileSync(path, "utf8")).objects()).toEqual(values);
  });

  it("writes the header once across resumed runs, keeping the file's columns; missing fields are empty cells", async () => {
    const path = join(dir, "resume.csv");
    await lastValueFrom(of({ epoch: 1, loss: 0.5, acc: 0.7 }).pipe(toCsv(path)));
    await lastValueFrom(of({ acc: 0.8, epoch: 2 }).pipe(toCsv(path))); // other key order, loss missing
    expect(readFileSync(path, "utf8")).toBe("epoch,loss,acc\n1,0.5,0.7\n2,,0.8\n");
  });

  it("writes the header at subscription when columns are given", async () => {
    const path = join(dir, "cols.csv");
    await lastValueFrom(of<{ epoch: number }>().pipe(toCsv(path, { columns: ["epoch", "loss"] })), { defaultValue: undefined });
    expect(readFileSync(path, "utf8")).toBe("epoch,loss\n");
  });

  it("escapes fields as RFC 4180", () => {
    expect([1.5, "a", "a,b", 'say "hi"', "two\nlines", " pad", null, undefined, true].map(csvField)).toEqual([
      "1.5", "a", '"a,b"', '"say ""hi"""', '"two\nlines"', '" pad"', "", "", "true",
    ]);
  });

  it("refuses a value with a field outside the columns, naming it and the file", async () => {
    const path = join(dir, "extra.csv");
    const e = await failure(lastValueFrom(from([{ epoch: 1 }, { epoch: 2, lr: 0.1 }]).pipe(toCsv(path))));
    expect(e.message).toBe(`toCsv: ${path}: field "lr" not among the columns [epoch]; pass { columns } listing every field`);
    expect(readFileSync(path, "utf8")).toBe("epoch\n1\n");
  });

  it("refuses columns that differ from an existing file's header", async () => {
    const path = join(dir, "other.csv");
    writeFileSync(path, 'epoch,"train loss"\n1,0.5\n');
    const e = await failure(lastValueFrom(of({ epoch: 2 }).pipe(toCsv(path, { columns: ["epoch", "loss"] }))));
    expect(e.message).toBe(`toCsv: ${path}: the existing header [epoch, train loss] differs from columns [epoch, loss]; write to a new file or pass the same columns`);
    expect(readFileSync(path, "utf8")).toBe('epoch,"train loss"\n1,0.5\n');
  });

  it("fails at subscription naming the file when it cannot be opened", async () => {
    const path = join(dir, "a-folder.csv");
    mkdirSync(path);
    const e = await failure(lastValueFrom(of({ epoch: 1 }).pipe(toCsv(path))));
    expect(e).toMatchObject({ _tag: "SinkError", sink: "toCsv", file: path });
    expect(e.message).toMatch(/^toCsv: cannot append to .*a-folder\.csv: EISDIR/);
  });
});
