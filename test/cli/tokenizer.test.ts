// `rivulet tokenizer train|encode|decode`: in process for the many cases, once as a child process reading stdin.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getEncoding } from "js-tiktoken";
import { Tokenizer as HfTokenizer } from "tokenizers";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/CliIo.js";

const BIN = fileURLToPath(new URL("../../bin/rivulet.js", import.meta.url));
const slicePath = fileURLToPath(new URL("../fixtures/text/python-docs-slice.txt", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "rivulet-cli-tok-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (args: readonly string[]) => {
  let [stdout, stderr] = ["", ""];
  const io: CliIo = { out: (l) => void (stdout += `${l}\n`), err: { isTTY: false, write: (s: string) => void (stderr += s) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
};

const lines = ["hello world", "naïve café 🎉", "  spaces  ", "def f(x): return x"];
const input = join(dir, "lines.txt");
writeFileSync(input, lines.join("\n") + "\n");

describe("rivulet tokenizer", () => {
  it("lists itself in rivulet --help and shows its own help", async () => {
    expect((await run(["--help"])).stdout).toMatch(/ {2}tokenizer {2}train, encode and decode/);
    const help = await run(["tokenizer", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--vocab-size N/);
  });

  it("encode --json prints one JSON array of ids per line, equal to js-tiktoken's", async () => {
    for (const name of ["gpt2"] as const) {
      const r = await run(["tokenizer", "encode", "--tokenizer", name, "--json", input]);
      expect(r.code).toBe(0);
      const ref = getEncoding(name);
      expect(r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as number[])).toEqual(lines.map((l) => ref.encode(l)));
    }
  });

  it("decode inverts encode (JSON arrays or space-separated ids)", async () => {
    const enc = await run(["tokenizer", "encode", input]);
    const ids = join(dir, "ids.txt");
    writeFileSync(ids, enc.stdout);
    const dec = await run(["tokenizer", "decode", ids]);
    expect(dec.stdout).toBe(lines.join("\n") + "\n");
    writeFileSync(ids, "[31373, 995]\n");
    expect((await run(["tokenizer", "decode", "--tokenizer", "gpt2", ids])).stdout).toBe("hello world\n");
  });

  it("train writes a tokenizer.json that HF tokenizers loads, and encode uses it", async () => {
    const out = join(dir, "tok.json");
    const r = await run(["tokenizer", "train", slicePath, "--vocab-size", "600", "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ out, files: 1, vocabSize: 600, merges: 600 - 1 - 256 });
    const hf = HfTokenizer.fromFile(out);
    const enc = await run(["tokenizer", "encode", "--tokenizer", out, "--json", input]);
    const ours = enc.stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as number[]);
    for (const [i, line] of lines.entries()) expect(ours[i]).toEqual((await hf.encode(line, null, { addSpecialTokens: false })).getIds());
  });

  it("reports bad usage and bad input in one line", async () => {
    const missing = await run(["tokenizer", "train", slicePath]);
    expect([missing.code, missing.stderr]).toEqual([2, "rivulet: --vocab-size: is required (the vocabulary size, e.g. --vocab-size 30000)\n"]);
    const noFiles = await run(["tokenizer", "train", join(dir, "none/*.txt"), "--vocab-size", "300"]);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stderr).toMatch(/matches no file/);
    const badTok = await run(["tokenizer", "encode", "--tokenizer", join(dir, "nope.json"), input]);
    expect(badTok.code).toBe(2);
    expect(badTok.stderr).toMatch(/--tokenizer: loadTokenizer: .*nope\.json is neither a file nor a built-in tokenizer/);
    const ids = join(dir, "bad-ids.txt");
    writeFileSync(ids, "1 2\n[99999999]\n");
    const range = await run(["tokenizer", "decode", ids]);
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/decode: line 2: decode: id 99999999 is out of range/);
    writeFileSync(ids, "hello\n");
    expect((await run(["tokenizer", "decode", ids])).stderr).toMatch(/decode: line 1: expected a JSON array of ids or ids separated by spaces/);
    const latin1 = join(dir, "latin1.txt");
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    const bad = await run(["tokenizer", "encode", latin1]);
    expect([bad.code, bad.stderr]).toEqual([1, `rivulet: ${latin1}: not UTF-8 text (invalid byte 0xe9 at offset 3)\n`]);
    expect((await run(["tokenizer", "frobnicate"])).stderr).toMatch(/tokenizer frobnicate: unknown sub-command/);
  });

  it("encodes stdin as a child process", async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [BIN, "tokenizer", "encode", "--json"], (error, out) => (error ? reject(error) : resolve(out)));
      child.stdin!.end("hello world\n");
    });
    expect(stdout).toBe("[31373,995]\n");
  }, 60_000);
});
