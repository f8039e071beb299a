// Fuzz test for parseCsv: thousands of seeded mutations of a CSV file; each parses to what a naive reader finds (for quote-free text) or throws a CorruptDataset.
import { describe, expect, it } from "vitest";
import { CorruptDataset, parseCsv } from "../../../src/streams/datasets/index.js";
import { below, mutateBytes, mutateLines, seeded } from "../../_fuzz.js";

const lines = ["id,kind,price,rooms", "1,house,127500,3", "2,flat,106000,NA", '3,"villa, large",178100,5', "4,NA,140000,2", "5,flat,99000,1"];

/** The rows of quote-free CSV by splitting lines at commas (blank lines skipped), or "reject" when a row is too long. */
const naive = (text: string): { header: string[]; rows: (string | null)[][] } | "reject" => {
  const records = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/).filter((l) => l !== "").map((l) => l.split(","));
  const [header, ...rows] = records;
  if (header === undefined || new Set(header).size !== header.length || rows.some((r) => r.length > header.length)) return "reject";
  return { header, rows: rows.map((r) => [...r, ...Array<null>(header.length - r.length).fill(null)]) };
};

const NA = new Set(["", "NA", "nan", "NaN", "null", "N/A", "n/a", "None", "NULL", "<NA>", "#N/A", "#NA", "-nan", "-NaN"]);

describe("parseCsv on mutated files", () => {
  it("4000 mutations: a CorruptDataset, or for quote-free text exactly the cells a naive reader finds", () => {
    const next = seeded(7);
    let [checked, rejected] = [0, 0];
    for (let i = 0; i < 4000; i++) {
      const text = i % 2 === 0 ? mutateLines(mutateLines(lines, next), next).join(i % 4 === 0 ? "\n" : "\r\n") : new TextDecoder().decode(mutateBytes(new TextEncoder().encode(lines.join("\n")), next));
      let table: ReturnType<typeof parseCsv> | undefined;
      try {
        table = parseCsv(text, { source: `mutant ${i}` });
      } catch (e) {
        if (!(e instanceof CorruptDataset)) throw new Error(`mutant ${i}: ${String(e)} is not a CorruptDataset`);
        expect(e.file).toBe(`mutant ${i}`);
        rejected++;
      }
      if (text.includes('"')) continue;
      const expected = naive(text);
      if (expected === "reject") {
        expect(table, `mutant ${i} ${JSON.stringify(text)}`).toBeUndefined();
        continue;
      }
      expect(table, `mutant ${i} ${JSON.stringify(text)}`).toBeDefined();
      expect(table!.columnNames()).toEqual(expected.header);
      expected.header.forEach((name, c) => {
        const got = Array.from(table!.array(name) as ArrayLike<unknown>);
        const want = expected.rows.map((r) => r[c]!).map((v) => (v === null || NA.has(v) ? null : v));
        // A numeric column holds numbers: compare as text through Number.
        expect(got.map((v) => (v === null ? null : typeof v === "number" ? v : String(v))), `mutant ${i} column ${name}`).toEqual(
          want.map((v) => (v === null ? null : typeof got.find((g) => g !== null) === "number" ? Number(v) : v)),
        );
      });
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(200);
  });
});
