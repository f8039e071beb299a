// Tests for run tables: best/final/summary numbers, the aligned text table, exports read back, files from the sinks.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromCSV, fromJSON } from "arquero";
import { Effect } from "effect";
import { from, lastValueFrom } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { fromJsonl, loadRunTable, runTable, toCsv, toJsonl, type SinkError } from "../../src/sinks/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-runtable-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const epochs = [
  { epoch: 1, trainLoss: 0.9, testAcc: 0.7 },
  { epoch: 2, trainLoss: 0.6, testAcc: 0.8, note: "lr drop" },
  { epoch: 3, trainLoss: 0.5, testAcc: 0.78 },
];

describe("runTable", () => {
  const run = runTable(epochs);

  it("finds the best epoch by a metric and mode, and the final values", () => {
    expect(run.best("testAcc", { mode: "max" })).toEqual({ epoch: 2, trainLoss: 0.6, testAcc: 0.8, note: "lr drop" });
    expect(run.best("trainLoss").epoch).toBe(3); // mode "min" by default
    expect(run.final()).toEqual({ epoch: 3, trainLoss: 0.5, testAcc: 0.78, note: null });
    expect(run.columns).toEqual(["epoch", "trainLoss", "testAcc", "note"]);
    expect(run.numRows).toBe(3);
  });

  it("summarises each numeric metric: final, mean, min, max and the epochs they were reached", () => {
    const rows = run.summary().rows();
    expect(rows.map((r) => r.metric)).toEqual(["trainLoss", "testAcc"]);
    expect(rows[0]).toMatchObject({ final: 0.5, min: 0.5, "epoch@min": 3, max: 0.9, "epoch@max": 1 });
    expect(rows[0]!.mean).toBeCloseTo(2 / 3, 12);
    expect(rows[1]).toMatchObject({ final: 0.78, min: 0.7, "epoch@min": 1, max: 0.8, "epoch@max": 2 });
    expect(rows[1]!.mean).toBeCloseTo(0.76, 12);
  });

  it("prints an aligned text table", () => {
    expect(run.toString()).toBe(
      [
        "epoch  trainLoss  testAcc  note",
        "-----  ---------  -------  -------",
        "    1     0.9000   0.7000",
        "    2     0.6000   0.8000  lr drop",
        "    3     0.5000   0.7800",
      ].join("\n"),
    );
    expect(run.summary().toString().split("\n")[0]).toBe("metric      final    mean     min  epoch@min     max  epoch@max");
  });

  it("exports CSV, JSON and markdown that read back", () => {
    expect(fromCSV(run.toCSV()).objects()).toEqual(run.rows()); // empty cells read back as null
    expect(fromJSON(run.toJSON()).objects()).toEqual(run.rows());
    expect(run.toMarkdown().split("\n").slice(0, 3)).toEqual(["|epoch|trainLoss|testAcc|note|", "|-:|-:|-:|-:|", "|1|0.9|0.70|null|"]);
  });

  it("rejects unknown columns, bad modes and empty tables with clear errors", () => {
    expect(() => run.best("acc")).toThrow(`runTable.best: no column "acc"; the columns are [epoch, trainLoss, testAcc, note]`);
    expect(() => run.best("testAcc", { mode: "up" as "max" })).toThrow(`runTable.best: mode must be "min" or "max", got "up"`);
    expect(() => runTable([]).final()).toThrow("runTable.final: the table has no rows");
  });
});

describe("reading metric files into run tables", () => {
  it("reads back what toJsonl and toCsv wrote", async () => {
    const jsonl = join(dir, "m.jsonl");
    const csv = join(dir, "m.csv");
    await lastValueFrom(from(epochs).pipe(toJsonl(jsonl), toCsv(csv, { columns: ["epoch", "trainLoss", "testAcc", "note"] })));
    const a = await fromJsonl(jsonl);
    expect(a.rows()).toEqual(runTable(epochs).rows());
    const b = await Effect.runPromise(loadRunTable(csv));
    expect(b.best("testAcc", { mode: "max" }).epoch).toBe(2);
    expect(b.rows().map((r) => r.trainLoss)).toEqual([0.9, 0.6, 0.5]);
  });

  it("skips a torn last line but names a corrupt line elsewhere", async () => {
    const torn = join(dir, "torn.jsonl");
    writeFileSync(torn, '{"epoch":1,"loss":1}\n{"epoch":2,"lo');
    expect((await fromJsonl(torn)).rows()).toEqual([{ epoch: 1, loss: 1 }]);
    const corrupt = join(dir, "corrupt.jsonl");
    writeFileSync(corrupt, '{"epoch":1}\nnot json\n{"epoch":3}\n');
    const e = await fromJsonl(corrupt).then(() => undefined, (x: SinkError) => x);
    expect(e).toMatchObject({ _tag: "SinkError", sink: "loadRunTable", file: corrupt });
    expect(e!.message).toMatch(new RegExp(`^fromJsonl: ${corrupt}: line 2 is not JSON`));
  });

  it("fails naming a missing file", async () => {
    const missing = join(dir, "nope.jsonl");
    const e = await fromJsonl(missing).then(() => undefined, (x: SinkError) => x);
    expect(e!.message).toMatch(new RegExp(`^loadRunTable: cannot read ${missing}: ENOENT`));
  });
});
