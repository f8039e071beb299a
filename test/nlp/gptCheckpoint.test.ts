// saveGptCheckpoint/loadGptCheckpoint: one safetensors file with GPT-2's state_dict, gpt.config and tokenizer.json, read back by rivulet and by independent readers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer as HfTokenizer } from "tokenizers";
import { afterAll, describe, expect, it } from "vitest";
import { key, saveFile, tensor, zeros } from "../../src/index.js";
import { bpeTokenizer, countWords, gpt, loadGptCheckpoint, saveGptCheckpoint, trainBpe } from "../../src/nlp/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-gptckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const slice = readFileSync(fileURLToPath(new URL("../fixtures/text/python-docs-slice.txt", import.meta.url)), "utf8");
const lines = slice.split("\n").slice(0, 400);
const tok = bpeTokenizer(trainBpe(countWords(lines), { vocabSize: 300, specialTokens: ["<|endoftext|>"] }).model!);
const module = gpt({ vocabSize: tok.vocabSize, nPositions: 16, nEmbd: 8, nLayer: 1, nHead: 2, residPdrop: 0 });
const lm = { module, params: module.init(key(3)).params };

/** The safetensors header, parsed by hand (8-byte little-endian length, then JSON): an independent reader. */
const header = (file: string): Record<string, { shape?: number[]; dtype?: string } & Record<string, unknown>> => {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString("utf8")) as Record<string, { shape?: number[] } & Record<string, unknown>>;
};

describe("GPT checkpoints", () => {
  const file = join(dir, "gpt.safetensors");

  it("round-trips the model (same logits) and the tokenizer (same ids)", async () => {
    await saveGptCheckpoint(file, lm, tok);
    const back = await loadGptCheckpoint(file);
    const ids = tensor([tok.encode("The list data type has some more methods.").slice(0, 16)], { dtype: "int32" });
    expect(Array.from(back.lm.module.forward(back.lm.params, ids).logits.dataSync())).toEqual(Array.from(module.forward(lm.params, ids).logits.dataSync()));
    const text = "def f(x):\n    return x  # naïve";
    expect(back.tokenizer.encode(text)).toEqual(tok.encode(text));
    expect(back.config).toMatchObject({ vocabSize: tok.vocabSize, nPositions: 16, nEmbd: 8, nLayer: 1, nHead: 2, residPdrop: 0, attnPdrop: 0.1 });
  });

  it("is a GPT-2 state_dict with GPT2Config JSON and a tokenizer.json that Hugging Face's tokenizers reads", async () => {
    await saveGptCheckpoint(file, lm, tok);
    const h = header(file);
    const meta = h.__metadata__ as unknown as Record<string, string>;
    expect(JSON.parse(meta["gpt.config"]!)).toMatchObject({ vocab_size: tok.vocabSize, n_positions: 16, n_embd: 8, n_layer: 1, n_head: 2, positional: "learned" });
    expect(h["transformer.h.0.attn.c_attn.weight"]).toMatchObject({ dtype: "F32", shape: [8, 24] });
    expect(h["transformer.wte.weight"]).toMatchObject({ shape: [tok.vocabSize, 8] });
    expect(h["transformer.wpe.weight"]).toMatchObject({ shape: [16, 8] });
    const hf = HfTokenizer.fromString(meta["tokenizer.json"]!);
    const text = "Python's for statement iterates over the items";
    expect((await hf.encode(text)).getIds()).toEqual(tok.encode(text));
  });

  it("names the file and the missing metadata field", async () => {
    const bare = join(dir, "bare.safetensors");
    await saveFile({ x: zeros([2]) }, bare, { "gpt.config": "{}" });
    await expect(loadGptCheckpoint(bare)).rejects.toThrow(`${bare}: not a GPT checkpoint: its metadata lacks "tokenizer.json"`);
    await saveFile({ x: zeros([2]) }, bare);
    await expect(loadGptCheckpoint(bare)).rejects.toThrow(/lacks "gpt.config" and "tokenizer.json"/);
    await saveFile({ x: zeros([2]) }, bare, { "gpt.config": JSON.stringify({ vocab_size: 300, n_positions: 16, n_embd: 8, n_layer: 1 }), "tokenizer.json": "{}" });
    await expect(loadGptCheckpoint(bare)).rejects.toThrow(`${bare}: metadata "gpt.config": field "n_head" is missing`);
  });

  it("names the parameter whose shape does not match the config", async () => {
    const other = gpt({ vocabSize: tok.vocabSize, nPositions: 16, nEmbd: 8, nLayer: 1, nHead: 2 });
    const wrong = join(dir, "wrong.safetensors");
    await saveGptCheckpoint(wrong, { module: other, params: other.init(key(0)).params }, tok);
    const h = header(wrong);
    const meta = h.__metadata__ as unknown as Record<string, string>;
    const { loadFile } = await import("../../src/index.js");
    const tensors = await loadFile(wrong);
    await saveFile(tensors, wrong, { ...meta, "gpt.config": meta["gpt.config"]!.replace('"n_positions":16', '"n_positions":32') });
    await expect(loadGptCheckpoint(wrong)).rejects.toThrow(/size mismatch for "transformer\.wpe\.weight"/);
  });
});
