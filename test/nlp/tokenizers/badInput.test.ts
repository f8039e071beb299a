// Bad tokenizer files and inputs: each is a clear error naming the file and the field or line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bpeTokenizer, countWords, gpt2Model, loadTokenizer, readUtf8File, tiktokenModel, tokenizerJsonModel, toTokenizerJson, trainBpe } from "../../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-tok-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const small = trainBpe(countWords(["low lower newest widest low low"]), { vocabSize: 262 }).model!;
const goodJson = JSON.parse(toTokenizerJson(small)) as { model: { vocab: Record<string, number>; merges: [string, string][] }; pre_tokenizer: unknown };
const withJson = (edit: (j: typeof goodJson) => void) => {
  const j = structuredClone(goodJson);
  edit(j);
  return JSON.stringify(j);
};

describe("malformed tokenizer.json", () => {
  it("names the file when it is not JSON", () => {
    expect(() => tokenizerJsonModel("{ nope", "my/tokenizer.json")).toThrow(/my\/tokenizer\.json: \(file\): not valid JSON/);
  });
  it("names the field that is wrong", () => {
    expect(() => tokenizerJsonModel(withJson((j) => (j.model.vocab["Ġlow"] = -3 as never)), "t.json")).toThrow(/t\.json: model\.vocab\["Ġlow"\]: id must be a non-negative integer, got -3/);
    expect(() => tokenizerJsonModel(withJson((j) => (j.model.merges[0] = ["l"] as never)), "t.json")).toThrow(/t\.json: model\.merges\[0\]: expected "a b" or \["a", "b"\]/);
    expect(() => tokenizerJsonModel(withJson((j) => (j.pre_tokenizer = { type: "Whitespace" })), "t.json")).toThrow(/t\.json: pre_tokenizer: expected ByteLevel/);
    expect(() => tokenizerJsonModel(withJson((j) => delete (j as Partial<typeof j>).model), "t.json")).toThrow(/t\.json: model: missing/);
  });
  it("rejects a merge that refers to an unknown token", () => {
    expect(() => tokenizerJsonModel(withJson((j) => j.model.merges.push(["Ġlow", "zzz"])), "t.json")).toThrow(
      /t\.json: model\.merges\[\d+\]: the merge "Ġlow zzz" refers to "zzz", which is not in the vocabulary/,
    );
  });
});

describe("malformed GPT-2 files and tiktoken rank files", () => {
  const vocab = JSON.stringify({ a: 0, b: 1, ab: 2 });
  it("reports the merges.txt line", () => {
    expect(() => gpt2Model(vocab, "#version: 0.2\na b\nab", { mergesFile: "m.txt" })).toThrow(/m\.txt:3: expected two tokens separated by one space, got "ab"/);
    expect(() => gpt2Model(vocab, "#version: 0.2\na c\n", { mergesFile: "m.txt" })).toThrow(/m\.txt:2: the merge "a c" refers to "c", which is not in the vocabulary/);
  });
  it("reports a bad vocab.json entry", () => {
    expect(() => gpt2Model('{"a": "x"}', "", { vocabFile: "v.json" })).toThrow(/v\.json: token "a": id must be a non-negative integer, got "x"/);
    expect(() => gpt2Model('{"a b": 0}', "", { vocabFile: "v.json" })).toThrow(/v\.json: token "a b" \(id 0\) has a character outside GPT-2's byte alphabet/);
    expect(() => gpt2Model("[1,2]", "", { vocabFile: "v.json" })).toThrow(/v\.json: expected a JSON object/);
  });
  it("reports the rank file line", () => {
    expect(() => tiktokenModel("IQ== 0\nIg==\n", { encoding: "cl100k_base", file: "r.tiktoken" })).toThrow(/r\.tiktoken:2: expected "<base64 bytes> <rank>", got "Ig=="/);
    expect(() => tiktokenModel("IQ== 0\nIg== 0\n", { encoding: "cl100k_base", file: "r.tiktoken" })).toThrow(/r\.tiktoken:2: rank 0 appears twice/);
  });
  it("says what a file name must look like and when a file is missing", () => {
    const f = join(dir, "ranks.txt");
    writeFileSync(f, "IQ== 0\n");
    expect(() => loadTokenizer(f)).toThrow(/name must start with its encoding/);
    expect(() => loadTokenizer(join(dir, "nope.json"))).toThrow(/is neither a file nor a built-in tokenizer \(gpt2, r50k_base, p50k_base, cl100k_base, o200k_base\)/);
  });
});

describe("decode and encode", () => {
  const tok = bpeTokenizer(small);
  it("rejects an id out of range", () => {
    const n = tok.vocabSize;
    expect(() => tok.decode([0, n])).toThrow(new RegExp(`decode: id ${n} is out of range \\(valid ids are 0–${n - 1}\\)`));
    expect(() => tok.decode([-1])).toThrow(/decode: id -1 is out of range/);
    expect(() => tok.decode([1.5])).toThrow(/decode: id 1.5 is out of range/);
  });
  it("rejects an unknown allowed special token", () => {
    expect(() => tok.encode("x", { allowedSpecial: ["<nope>"] })).toThrow(/"<nope>" is not a special token/);
  });
});

describe("non-UTF-8 input files", () => {
  it("names the file and the offset of the first bad byte", () => {
    const f = join(dir, "latin1.txt");
    writeFileSync(f, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café\n" in Latin-1
    expect(() => readUtf8File(f)).toThrow(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not UTF-8 text \\(invalid byte 0xe9 at offset 3\\)`));
    const t = join(dir, "tokenizer.json");
    writeFileSync(t, Buffer.from([0x7b, 0xff, 0x7d]));
    expect(() => loadTokenizer(t)).toThrow(/not UTF-8 text \(invalid byte 0xff at offset 1\)/);
  });
});
