// Text streams: textDataset (lines, documents, globs, split), tokenize, windows, padCollate, pulled and resumed through loader.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom, from, lastValueFrom, take, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { findFiles, loader, loadTokenizer, padCollate, textDataset, tokenize, windowDataset, windows } from "../../../src/index.js";

const slicePath = new URL("../../fixtures/text/python-docs-slice.txt", import.meta.url).pathname;
const slice = readFileSync(slicePath, "utf8");
const dir = mkdtempSync(join(tmpdir(), "rivulet-text-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "a", "b"), { recursive: true });
writeFileSync(join(dir, "a", "one.txt"), "first line\r\n\r\nsecond line\n");
writeFileSync(join(dir, "a", "b", "two.txt"), "héllo wörld\nlast line without newline");
writeFileSync(join(dir, "a", "skip.md"), "not matched\n");

const all = async <T>(ds: { length: number; get(i: number): T | Promise<T> }) => Promise.all(Array.from({ length: ds.length }, (_, i) => ds.get(i)));

describe("textDataset", () => {
  it("reads every non-empty line, CRLF or LF, from globbed files in sorted order", async () => {
    const { files, train, validation } = textDataset({ files: join(dir, "a/**/*.txt") });
    expect(files).toEqual([join(dir, "a/b/two.txt"), join(dir, "a/one.txt")]);
    expect(await all(train)).toEqual(["héllo wörld", "last line without newline", "first line", "second line"]);
    expect(validation.length).toBe(0);
  });

  it("reads whole documents in document mode", async () => {
    const { train } = textDataset({ files: [join(dir, "a/one.txt")], mode: "document" });
    expect(await all(train)).toEqual(["first line\r\n\r\nsecond line\n"]);
  });

  it("splits the corpus slice into disjoint train and validation parts, the same way for the same seed", async () => {
    const a = textDataset({ files: slicePath, validation: 0.2, seed: 7 });
    const b = textDataset({ files: slicePath, validation: 0.2, seed: 7 });
    const lines = slice.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l !== "");
    expect(a.train.length + a.validation.length).toBe(lines.length);
    expect(a.validation.length / lines.length).toBeGreaterThan(0.15);
    expect(a.validation.length / lines.length).toBeLessThan(0.25);
    expect(await all(a.validation)).toEqual(await all(b.validation));
    const c = textDataset({ files: slicePath, validation: 0.2, seed: 8 });
    expect(await all(c.validation)).not.toEqual(await all(a.validation));
    expect(new Set([...(await all(a.train)), ...(await all(a.validation))])).toEqual(new Set(lines));
  });

  it("names a non-UTF-8 file, a missing file and a bad fraction", () => {
    const bad = join(dir, "latin1.txt");
    writeFileSync(bad, Buffer.from("ok\ncaf\xe9\n", "latin1"));
    expect(() => textDataset({ files: bad })).toThrow(/latin1\.txt: not UTF-8 text \(invalid byte 0xe9 at offset 6\)/);
    expect(() => textDataset({ files: join(dir, "nope/*.txt") })).toThrow(/matches no file/);
    expect(() => findFiles(join(dir, "missing.txt"))).toThrow(/missing\.txt: no such file/);
    expect(() => textDataset({ files: slicePath, validation: 1 })).toThrow(/validation must be a fraction in \[0, 1\)/);
  });
});

describe("windows", () => {
  it("packs a stream of id arrays into windows with a stride", async () => {
    const ids = [[1, 2, 3], [4], [5, 6, 7, 8, 9]];
    expect(await lastValueFrom(from(ids).pipe(windows({ length: 4 }), toArray()))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(await lastValueFrom(from(ids).pipe(windows({ length: 4, stride: 2 }), toArray()))).toEqual([[1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8]]);
    expect(await lastValueFrom(from(ids).pipe(windows({ length: 2, stride: 3 }), toArray()))).toEqual([[1, 2], [4, 5], [7, 8]]);
    expect(() => windows({ length: 0 })).toThrow(/length must be a positive integer/);
  });

  it("windowDataset gives the same windows as the operator, by index", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => i);
    for (const [length, stride] of [[8, 8], [8, 3], [5, 7]] as const) {
      const streamed = await lastValueFrom(from([ids]).pipe(windows({ length, stride }), toArray()));
      expect(await all(windowDataset(ids, { length, stride }))).toEqual(streamed);
    }
    expect(windowDataset([1, 2], { length: 3 }).length).toBe(0);
  });
});

describe("padCollate", () => {
  it("pads right or left and marks real tokens", () => {
    const b = padCollate({ padId: 0 })([[5, 6, 7], [8]]);
    expect(b.inputIds.tolist()).toEqual([[5, 6, 7], [8, 0, 0]]);
    expect(b.attentionMask.tolist()).toEqual([[1, 1, 1], [1, 0, 0]]);
    expect(b.inputIds.dtype).toBe("int32");
    const l = padCollate({ padId: 9, length: 2, side: "left" })([[5, 6, 7], [8]]);
    expect(l.inputIds.tolist()).toEqual([[5, 6], [9, 8]]);
    expect(l.attentionMask.tolist()).toEqual([[1, 1], [0, 1]]);
  });
});

describe("the whole pipeline", () => {
  const gpt2 = loadTokenizer("gpt2");

  it("lines → ids → windows → padded batches, pulled through loader", async () => {
    const { train } = textDataset({ files: slicePath });
    const lines = loader(train, { batchSize: 1, collate: ([line]) => line! });
    const packed = await lastValueFrom(lines.epoch(0).pipe(tokenize(gpt2, { append: 50256 }), windows({ length: 33, stride: 32 }), toArray()));
    const everything = (await all(train)).flatMap((l) => [...gpt2.encode(l), 50256]);
    expect(packed[0]).toEqual(everything.slice(0, 33));
    expect(packed.at(-1)).toEqual(everything.slice((packed.length - 1) * 32, (packed.length - 1) * 32 + 33));
    // the same windows as a dataset: shuffled batches that resume where a run stopped
    const ds = windowDataset(Int32Array.from(everything), { length: 33, stride: 32 });
    expect(ds.length).toBe(packed.length);
    const batches = loader(ds, { batchSize: 8, shuffle: true, seed: 3, collate: padCollate({ padId: 50256 }) });
    const full = await lastValueFrom(batches.epochs(2).pipe(toArray()));
    const resumed = await lastValueFrom(batches.epochs(2, { from: { epoch: 1, batch: 2 } }).pipe(toArray()));
    expect(resumed.map((b) => b.batch.inputIds.tolist())).toEqual(full.slice(batches.length + 2).map((b) => b.batch.inputIds.tolist()));
    expect((await firstValueFrom(batches.epoch(0))).inputIds.shape).toEqual([8, 33]);
  });

  it("reads only the lines the consumer pulls (plus the loader's read-ahead)", async () => {
    const { train } = textDataset({ files: slicePath });
    let reads = 0;
    const counted = { length: train.length, get: (i: number) => (reads++, train.get(i)) };
    const lines$ = loader(counted, { batchSize: 1, prefetch: 2, collate: ([line]) => line! }).epoch(0);
    const first = await lastValueFrom(lines$.pipe(tokenize(gpt2), windows({ length: 4 }), take(3), toArray()));
    expect(first).toHaveLength(3);
    expect(reads).toBeLessThanOrEqual(3 + 1 + 2); // at most the windows' lines, the one in flight and the read-ahead
    expect(train.length).toBeGreaterThan(1000);
  });
});
