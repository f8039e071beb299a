// Tests for the CSV table functions (parseCsv, getDummies, standardize, fillNa, dropNa, tableToTensor) and csvDataset.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import {
  CorruptDataset, DatasetNotFound, csvDataset, dropNa, fillNa, getDummies, loadCsv, loadCsvDataset, parseCsv, readCsv, standardize, tableToTensor,
} from "../../../src/streams/datasets/index.js";
import { expectClose } from "../../_harness.js";
import { put } from "./_fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const failure = <E>(program: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(program));

// d2l's house_tiny.csv (section 2.2, data preprocessing).
const houseTiny = "NumRooms,Alley,Price\nNA,Pave,127500\n2,NA,106000\n4,NA,178100\nNA,NA,140000\n";
const col = (t: ReturnType<typeof parseCsv>, name: string): unknown[] => Array.from(t.array(name) as ArrayLike<unknown>);

describe("table functions", () => {
  const table = parseCsv(houseTiny);

  it("parseCsv: pandas' NA strings are missing, all-number columns are numeric", () => {
    expect(table.columnNames()).toEqual(["NumRooms", "Alley", "Price"]);
    expect(col(table, "NumRooms")).toEqual([null, 2, 4, null]);
    expect(col(table, "Alley")).toEqual(["Pave", null, null, null]);
    expect(col(parseCsv("a;b\n1;x\n", { delimiter: ";", naValues: ["x"] }), "b")).toEqual([null]);
  });

  it("getDummies: text columns to sorted 0/1 indicators after the other columns, dummyNa as pandas", () => {
    const d = getDummies(table, { dummyNa: true });
    expect(d.columnNames()).toEqual(["NumRooms", "Price", "Alley_Pave", "Alley_nan"]);
    expect([col(d, "Alley_Pave"), col(d, "Alley_nan")]).toEqual([[1, 0, 0, 0], [0, 1, 1, 1]]);
    const sizes = getDummies(parseCsv("s\nM\nL\nM\nS\n"));
    expect(sizes.columnNames()).toEqual(["s_L", "s_M", "s_S"]);
    expect(() => getDummies(table, { columns: ["Street"] })).toThrow('getDummies: unknown column "Street"; the table has "NumRooms", "Alley", "Price"');
  });

  it("standardize: (x - mean) / std over present values, Bessel-corrected like pandas (d2l), or the population std", () => {
    const s = standardize(table, { columns: ["NumRooms"] });
    const [a, b] = [col(s, "NumRooms")[1] as number, col(s, "NumRooms")[2] as number];
    expect([col(s, "NumRooms")[0], col(s, "NumRooms")[3]]).toEqual([null, null]);
    expect(a).toBeCloseTo(-1 / Math.SQRT2, 12);
    expect(b).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(col(standardize(table, { columns: ["NumRooms"], correction: 0 }), "NumRooms").slice(1, 3)).toEqual([-1, 1]);
    // By default every numeric column: Price too.
    const price = col(standardize(table), "Price") as number[];
    expect(price.reduce((x, y) => x + y, 0)).toBeCloseTo(0, 9);
    expect(() => standardize(table, { columns: ["Alley"] })).toThrow('standardize: column "Alley" not numeric');
  });

  it("fillNa and dropNa", () => {
    expect(col(fillNa(table, 0, { columns: ["NumRooms"] }), "NumRooms")).toEqual([0, 2, 4, 0]);
    expect(col(fillNa(table, "none"), "Alley")).toEqual(["Pave", "none", "none", "none"]);
    expect(col(dropNa(table, { columns: ["NumRooms"] }), "Price")).toEqual([106000, 178100]);
    expect(dropNa(table).numRows()).toBe(0);
  });

  it("tableToTensor: numbers to float32 [rows, cols]; text or missing cells are errors naming column and row", () => {
    const t = tableToTensor(getDummies(fillNa(table, 3, { columns: ["NumRooms"] }), { dummyNa: true }), { columns: ["NumRooms", "Alley_Pave", "Alley_nan"] });
    expect([t.dtype, t.tolist()]).toEqual(["float32", [[3, 1, 0], [2, 0, 1], [4, 0, 1], [3, 0, 1]]]);
    expect(() => tableToTensor(table, { columns: ["Alley"] })).toThrow('tableToTensor: column "Alley" row 0 is the text "Pave"; one-hot encode text columns (getDummies) first');
    expect(() => tableToTensor(table, { columns: ["NumRooms"] })).toThrow('tableToTensor: column "NumRooms" row 0 is missing; fill (fillNa) or drop (dropNa) missing values first');
  });
});

describe("csvDataset", () => {
  const path = join(dir, "house_tiny.csv");
  put(path, houseTiny);

  it("d2l's house-price preprocessing: standardise numbers, fill with 0, one-hot with a NaN column; labels [n, 1]", async () => {
    const ds = await csvDataset(path, { target: "Price", standardize: true, fillNa: 0, oneHot: true, dummyNa: true });
    expect(ds.featureNames).toEqual(["NumRooms", "Alley_Pave", "Alley_nan"]);
    expectClose(ds.features, { shape: [4, 3], dtype: "float32", data: [0, 1, 0, -Math.SQRT1_2, 0, 1, Math.SQRT1_2, 0, 1, 0, 0, 1] });
    expect([[...ds.labels.shape], ds.labels.dtype, ds.length]).toEqual([[4, 1], "float32", 4]);
    const { input, target } = ds.get(2);
    expect([[...input.shape], target.tolist()]).toEqual([[3], [178100]]);
  });

  it("a text target becomes int32 class indices with sorted classes; features and dropNa select rows and columns", async () => {
    const irisPath = join(dir, "iris.csv");
    put(irisPath, "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n,4.5,versicolor\n6.3,6.0,virginica\n");
    const ds = await csvDataset(irisPath, { target: "species", features: ["sepal"], dropNa: true });
    expect([ds.classes, ds.labels.dtype, ds.labels.tolist(), ds.features.tolist()]).toEqual([
      ["setosa", "versicolor", "virginica"], "int32", [0, 1, 2], [[5.1], [7], [6.3]].map((r) => r.map((v) => Math.fround(v))),
    ]);
  });

  it("a missing file is DatasetNotFound; an unknown column or an unconverted text column is CorruptDataset naming the file", async () => {
    const missing = await failure(loadCsv(join(dir, "nope.csv")));
    expect(missing).toBeInstanceOf(DatasetNotFound);
    expect(missing.message).toContain(join(dir, "nope.csv"));
    const unknown = await failure(loadCsvDataset(path, { target: "SalePrice" }));
    expect(unknown).toBeInstanceOf(CorruptDataset);
    expect(unknown.message).toBe(`${path}: unknown column "SalePrice"; the table has "NumRooms", "Alley", "Price"`);
    const text = await failure(loadCsvDataset(path, { target: "Price", fillNa: 0 }));
    expect(text.message).toContain('tableToTensor: column "Alley" row 0 is the text "Pave"');
    await expect(csvDataset(path, { target: "NumRooms" })).rejects.toThrow('target column "NumRooms" is missing at row 0 (pass dropNa: true');
  });

  it("readCsv returns the table for one's own steps (arquero's select/derive compose too)", async () => {
    const t = (await readCsv(path)).select("Price");
    expect(tableToTensor(t).tolist()).toEqual([[127500], [106000], [178100], [140000]]);
  });
});

describe("bad CSV input: a CorruptDataset naming the file and line", () => {
  const parseError = (text: string): CorruptDataset => {
    try {
      parseCsv(text, { source: "bad.csv" });
    } catch (e) {
      expect(e).toBeInstanceOf(CorruptDataset);
      return e as CorruptDataset;
    }
    throw new Error("expected parseCsv to throw");
  };

  it("an empty file (or only blank lines) has no header", () => {
    expect(parseError("").message).toBe("bad.csv: the file is empty (no header row)");
    expect(parseError("\n\r\n\n").message).toBe("bad.csv: the file is empty (no header row)");
  });

  it("a row with more fields than the header is an error, not silently cut", () => {
    expect(parseError("a,b\n1,2\n3,4,5\n").message).toBe('bad.csv: line 3: 3 fields, but the header has 2 ("a", "b"); an unquoted "," inside a value?');
  });

  it("an unclosed quote, text after a closing quote, a repeated column", () => {
    expect(parseError('a,b\n1,"x\n2,3\n').message).toBe("bad.csv: line 2: a quoted field is never closed");
    expect(parseError('a,b\n1,"x"y\n').message).toBe('bad.csv: line 2: "y" after the closing quote of a field (expected "," or the end of the line)');
    expect(parseError("a,b,a\n1,2,3\n").message).toBe('bad.csv: line 1: column "a" appears twice in the header');
  });

  it("reads quoted delimiters, newlines and quotes, CRLF, a BOM, blank lines, and pads short rows with missing values (as pandas)", () => {
    const t = parseCsv('\ufeffa,b\r\n"1,5","say ""hi""\nthere"\r\n\r\n2\r\n');
    expect(col(t, "a")).toEqual(["1,5", "2"]);
    expect(col(t, "b")).toEqual(['say "hi"\nthere', null]);
  });

  it("a header-only file is an empty table, and csvDataset refuses it", async () => {
    expect(parseCsv("a,b\n").numRows()).toBe(0);
    const path = join(dir, "header-only.csv");
    put(path, "x,y\n");
    const e = await failure(loadCsvDataset(path, { target: "y" }));
    expect(e).toBeInstanceOf(CorruptDataset);
    expect(e.message).toBe(`${path}: no data rows (only a header); a dataset needs at least one`);
  });

  it("loadCsv passes the line-numbered error on", async () => {
    const path = join(dir, "extra.csv");
    put(path, "x,y\n1,2\n3,4,5\n");
    const e = await failure(loadCsv(path));
    expect([e instanceof CorruptDataset, e.message]).toEqual([true, `${path}: line 3: 3 fields, but the header has 2 ("x", "y"); an unquoted "," inside a value?`]);
  });
});
