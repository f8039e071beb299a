// record and replay: bit-exact round trips, values passed through unchanged, clear errors for corrupt or truncated recordings.
import { describe, expect, it } from "vitest";
import { Effect } from "effect";
import { Observable, from, lastValueFrom, take, throwError, concat, of, toArray } from "rxjs";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { record, replay, readRecording, RecordingError, ReplayedError, tensor, Tensor, randn, key } from "../../src/index.js";
import { tinyTraining } from "./_pipeline.js";
import { crc32Hex, sealLine } from "../../src/streams/_lineChecksum.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-rec-"));
const all = <T>(o: Observable<T>) => lastValueFrom(o.pipe(toArray()));

/** Deep equality where tensors must agree in dtype, shape and every byte. */
const same = (a: unknown, b: unknown): boolean => {
  if (a instanceof Tensor || b instanceof Tensor)
    return a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype && a.shape.join() === b.shape.join() &&
      Buffer.from(a.dataSync().slice().buffer).equals(Buffer.from(b.dataSync().slice().buffer));
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    return ka.join() === Object.keys(b).join() && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
};

const values = [
  tensor([[1.5, -0], [NaN, Infinity]]),
  randn(key(1), [3, 2, 2]),
  tensor([1, -2, 2147483647], { dtype: "int32" }),
  tensor([true, false], { dtype: "bool" }),
  tensor(new Float32Array(0), { shape: [0, 3] }),
  { loss: 0.1 + 0.2, nested: [1, "two", null, true, { deep: tensor([3]) }], nan: NaN, neg0: -0, inf: -Infinity, gone: undefined },
  "a string",
  42,
  null,
];

describe("record and replay", () => {
  it("passes values through unchanged and replays them bit for bit", async () => {
    const path = join(dir, "values.jsonl");
    const passed = await all(from(values).pipe(record(path)));
    expect(passed.every((v, i) => v === values[i])).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith("."))).toEqual([]); // no temporary file left
    const back = await all(replay(path));
    expect(back).toHaveLength(values.length);
    back.forEach((v, i) => expect(same(v, values[i]), `value ${i}`).toBe(true));
    expect(same(await Effect.runPromise(readRecording(path)), values)).toBe(true);
  });

  it("records how the stream ended: an error is replayed as an error, an early unsubscribe as completion", async () => {
    const failing = join(dir, "failing.jsonl");
    await expect(lastValueFrom(concat(of(1, 2), throwError(() => new TypeError("boom"))).pipe(record(failing)))).rejects.toThrow("boom");
    const replayed: number[] = [];
    const err = await new Promise<unknown>((resolve) => replay<number>(failing).subscribe({ next: (v) => replayed.push(v), error: resolve }));
    expect(replayed).toEqual([1, 2]);
    expect(err).toBeInstanceOf(ReplayedError);
    expect((err as Error).name).toBe("TypeError");
    expect((err as Error).message).toBe("boom");
    const early = join(dir, "early.jsonl");
    await all(from([1, 2, 3, 4]).pipe(record(early), take(2)));
    await new Promise((r) => setTimeout(r, 50)); // finishing happens after unsubscription
    expect(await all(replay(early))).toEqual([1, 2]);
  });

  it("pins down a small training pipeline against a committed recording", async () => {
    const fixture = fileURLToPath(new URL("../fixtures/recordings/tinyTraining.jsonl", import.meta.url));
    const [now, then] = await Promise.all([all(tinyTraining()), all(replay(fixture))]);
    expect(now).toHaveLength(6);
    expect(then).toHaveLength(6);
    now.forEach((v, i) => expect(same(v, then[i]), `step ${i}`).toBe(true));
  });

  it("rejects corrupt and truncated recordings, naming the file, the record and the field", async () => {
    const path = join(dir, "good.jsonl");
    await all(from([{ a: 1 }, { w: tensor([1, 2, 3]) }, 7]).pipe(record(path)));
    const lines = readFileSync(path, "utf8").split("\n");
    const write = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const fails = async (p: string, message: string) => {
      const e = await all(replay(p)).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(RecordingError);
      expect((e as RecordingError).message).toContain(message);
      expect((e as RecordingError).file).toBe(p);
    };
    const truncated = write("truncated.jsonl", `${lines.slice(0, 2).join("\n")}\n${lines[2]!.slice(0, 40)}`);
    await fails(truncated, `replay: ${truncated}: record 1 (line 3): not valid JSON`);
    await fails(truncated, "the file is truncated");
    const noEnd = write("noend.jsonl", lines.slice(0, 3).join("\n") + "\n");
    await fails(noEnd, "record 2 (line 4): the file ends after 2 records without an end marker");
    // Lines edited and sealed again (as a buggy writer would) reach the field checks behind the checksum.
    const reseal = (line: string): string => sealLine(JSON.parse(line.replace(/,"crc":"[0-9a-f]{8}"\}$/, "}")) as object);
    const short = write("short.jsonl", [lines[0], lines[1], reseal(lines[2]!.replace(/"data":"[^"]*"/, '"data":"AACAPwAAAEA="')), lines[3], lines[4], ""].join("\n"));
    await fails(short, "record 1 (line 3): field value.w: tensor data is 8 bytes, but float32 [3] needs 12");
    const dtype = write("dtype.jsonl", [lines[0], lines[1], reseal(lines[2]!.replace('"float32"', '"float64"')), lines[3], lines[4], ""].join("\n"));
    await fails(dtype, 'field value.w (tensor).dtype: expected float32 | int32 | bool, got "float64"');
    const tag = write("tag.jsonl", [lines[0], '{"i":0,"v":{"r":{"a":{"x":1}}},"crc":"c19eba35"}', lines[2], lines[3], lines[4], ""].join("\n"));
    await fails(tag, "record 0 (line 2): field value.a: expected a tagged object with one key t (tensor), n (number), r (record) or u (undefined), got keys {x}");
    const header = write("header.jsonl", ['{"format":"something else"}', ...lines.slice(1)].join("\n"));
    await fails(header, "line 1: not a rivulet recording");
    await fails(join(dir, "missing.jsonl"), "cannot read the recording");
    const line = write("line.jsonl", [lines[0], '{"value":1,"crc":"0b988818"}', lines[4], ""].join("\n"));
    await fails(line, 'record 0 (line 2): expected a value line { i, v } or an end line { end, count }, got {"value":1,"crc":"0b988818"}');
    const base64 = write("b64.jsonl", [lines[0], lines[1], reseal(lines[2]!.replace(/"data":"[^"]*"/, '"data":"!!!!"')), lines[3], lines[4], ""].join("\n"));
    await fails(base64, "field value.w: tensor data is not valid base64");
  });

  it("numbers and seals every record: a dropped, duplicated, moved or edited line is a RecordingError naming the line", async () => {
    // CRC-32's check value (the IEEE polynomial, as zlib.crc32), so other tools can verify a line.
    expect(crc32Hex("123456789")).toBe("cbf43926");
    const path = join(dir, "sealed.jsonl");
    await all(from([10, 20, 30]).pipe(record(path)));
    const lines = readFileSync(path, "utf8").split("\n");
    expect(lines[2]).toMatch(/^\{"i":1,"v":20,"crc":"[0-9a-f]{8}"\}$/);
    expect(lines[4]).toMatch(/^\{"end":"complete","count":3,"crc":"[0-9a-f]{8}"\}$/);
    const fails = async (name: string, edited: string[], message: string) => {
      const p = join(dir, name);
      writeFileSync(p, edited.join("\n"));
      const e = await all(replay(p)).then(() => undefined, (x: unknown) => x);
      expect(e, name).toBeInstanceOf(RecordingError);
      expect((e as RecordingError).message.slice(`replay: ${p}: `.length), name).toEqual(message);
    };
    const [head, a, b, c, end] = lines as [string, string, string, string, string];
    await fails("dropped.jsonl", [head, a, c, end, ""], "record 1 (line 3): the line says it is record 2 where record 1 was expected (a record was dropped, duplicated or moved)");
    await fails("duplicated.jsonl", [head, a, b, b, c, end, ""], "record 2 (line 4): the line says it is record 1 where record 2 was expected (a record was dropped, duplicated or moved)");
    await fails("moved.jsonl", [head, b, a, c, end, ""], "record 0 (line 2): the line says it is record 1 where record 0 was expected (a record was dropped, duplicated or moved)");
    await fails("last-dropped.jsonl", [head, a, b, end, ""], "record 2 (line 4): the end marker counts 3 records, but 2 precede it (records were dropped or duplicated)");
    const edited = b.replace("20", "21");
    await fails("edited.jsonl", [head, a, edited, c, end, ""],
      `record 1 (line 3): checksum mismatch: the line's CRC-32 is ${crc32Hex(edited.slice(0, edited.indexOf(',"crc"')))}, its "crc" says ${b.slice(-10, -2)} (the line was edited or corrupted)`);
    await fails("unsealed.jsonl", [head, a, '{"i":1,"v":20}', c, end, ""], 'record 1 (line 3): no checksum (a line ends with ,"crc":"<8 hex digits>"})');
    await fails("v1.jsonl", ['{"format":"rivulet.recording","version":1}', '{"v":10}', '{"end":"complete"}', ""],
      "line 1: recording format version 1, but this rivulet reads version 2 (records with an index and a checksum); record it again");
    const deepBody = `{"i":0,"v":${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    const deep = `${deepBody},"crc":"${crc32Hex(deepBody)}"}`;
    await fails("deep.jsonl", [head, deep, sealLine({ end: "complete", count: 1 }), ""], expect.stringMatching(/^record 0 \(line 2\): cannot decode the value \(/) as unknown as string);
    expect(await all(replay(path))).toEqual([10, 20, 30]);
  });

  it("refuses values it cannot record, naming the field", async () => {
    const path = join(dir, "bad.jsonl");
    await expect(lastValueFrom(of({ ok: 1, when: new Date(0) }).pipe(record(path)))).rejects.toThrow("field value.when: cannot record Date");
  });
});
