// `rivulet train --model gpt` and `rivulet generate`, in process on a slice of the Python docs with tiny settings.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { lastValueFrom, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { trainGpt } from "../../src/cli/trainGpt.js";
import type { CliIo } from "../../src/cli/CliIo.js";
import { causalLmLoss, generate, loadGptCheckpoint, windowDataset } from "../../src/nlp/index.js";
import { saveFile, tensor, zeros } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-cli-gpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const slice = readFileSync(fileURLToPath(new URL("../fixtures/text/python-docs-slice.txt", import.meta.url)), "utf8");
const corpus = join(dir, "corpus.txt");
const text = slice.slice(0, 9000);
writeFileSync(corpus, text);

interface Run { code: number; stdout: string; stderr: string; chunks: string[] }
const capture = (stream: boolean): { io: CliIo; result: Run } => {
  const result: Run = { code: -1, stdout: "", stderr: "", chunks: [] };
  const io: CliIo = {
    out: (l) => void (result.stdout += `${l}\n`),
    err: { isTTY: false, write: (s: string) => void (result.stderr += s) },
    ...(stream ? { write: (c: string) => void (result.chunks.push(c), (result.stdout += c)) } : {}),
  };
  return { io, result };
};
const run = async (args: readonly string[], stream = true): Promise<Run> => {
  const { io, result } = capture(stream);
  result.code = await main(args, io);
  return result;
};

const tiny = ["--vocab-size", "300", "--context", "16", "--batch-size", "8", "--n-embd", "16", "--n-layer", "1", "--n-head", "2", "--lr", "0.01"];
const logdir = join(dir, "run");
const checkpoint = join(logdir, "gpt.safetensors");
let summary: Record<string, number | string>;
let trainErr = "";

beforeAll(async () => {
  const { io, result } = capture(false);
  await trainGpt(["--model", "gpt", "--dataset", `text:${corpus}`, "--epochs", "1", ...tiny, "--logdir", logdir, "--json"], io);
  summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, number | string>;
  trainErr = result.stderr;
}, 120_000);

describe("rivulet train --model gpt", () => {
  it("ends with a --json line whose val_loss is the checkpoint's mean loss on the held-out 10%", async () => {
    expect(summary).toMatchObject({ vocab_size: 300, checkpoint, logdir, epochs: 1 });
    const valLoss = summary.val_loss as number;
    expect(summary.val_perplexity).toBeCloseTo(Math.exp(valLoss), 6);
    expect(valLoss).toBeLessThan(Math.log(300)); // better than a uniform guess after one epoch
    // Recomputed independently from the checkpoint: same tokenizer, same split, one batch of every window.
    const { lm, tokenizer } = await loadGptCheckpoint(checkpoint);
    const ids = tokenizer.encodeOrdinary(text);
    const val = windowDataset(ids.slice(Math.floor(ids.length * 0.9)), { length: 16 });
    const rows = Array.from({ length: val.length }, (_, i) => val.get(i) as number[]);
    expect(causalLmLoss(lm.module, lm.params, tensor(rows, { dtype: "int32" })).item()).toBeCloseTo(valLoss, 4);
    expect(trainErr).toMatch(/epoch 1\/1: train loss [\d.]+, validation loss [\d.]+, perplexity [\d.]+/);
  });

  it("logs val_perplexity to TensorBoard in the log folder", () => {
    const events = readdirSync(logdir).filter((f) => f.startsWith("events.out.tfevents"));
    expect(events.length).toBe(1);
    const bytes = readFileSync(join(logdir, events[0]!)).toString("latin1");
    for (const tag of ["train_loss", "val_loss", "val_perplexity"]) expect(bytes).toContain(tag);
  });

  it("rejects a dataset that is not text:, names no file, or is too small", async () => {
    const io = capture(false).io;
    await expect(trainGpt(["--model", "gpt", "--dataset", "fashion-mnist"], io)).rejects.toThrow(/--dataset: expected text:<path-or-glob> for --model gpt, got "fashion-mnist"/);
    await expect(trainGpt(["--model", "gpt", "--dataset", `text:${join(dir, "nothing-*.txt")}`], io)).rejects.toThrow(/--dataset: .*nothing-\*\.txt/);
    const small = join(dir, "small.txt");
    writeFileSync(small, "a tiny file\n");
    await expect(trainGpt(["--model", "gpt", "--dataset", `text:${small}`], io)).rejects.toThrow(/--dataset: 1 file\(s\) make \d+ tokens: too few/);
    await expect(trainGpt(["--model", "gpt", "--dataset", `text:${small}`, "--n-embd", "10", "--n-head", "4"], io)).rejects.toThrow(/--n-head: 4 heads must divide --n-embd 10/);
  });
});

describe("rivulet generate", () => {
  it("is listed in rivulet --help", async () => {
    expect((await run(["--help"])).stdout).toMatch(/ {2}generate {3}continue a prompt with a GPT checkpoint/);
    expect((await run(["generate", "--help"])).stdout).toMatch(/--top-p X/);
  });

  it("streams the prompt and the greedy continuation, equal to generate's tokens decoded", async () => {
    const { lm, tokenizer } = await loadGptCheckpoint(checkpoint);
    const prompt = "The list";
    const ids = await lastValueFrom(generate(lm, tokenizer.encode(prompt), { maxTokens: 12, temperature: 0, stop: [tokenizer.tokenToId("<|endoftext|>")!] }).pipe(toArray()));
    const want = prompt + tokenizer.decode(ids);
    const r = await run(["generate", "--checkpoint", checkpoint, "--prompt", prompt, "--max-tokens", "12", "--temperature", "0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${want}\n`);
    expect(r.chunks.length).toBeGreaterThan(2); // the prompt, then pieces as tokens arrive
    const whole = await run(["generate", "--checkpoint", checkpoint, "--prompt", prompt, "--max-tokens", "12", "--temperature", "0"], false);
    expect(whole.stdout).toBe(`${want}\n`);
  });

  it("samples reproducibly with a seed, and differently with another", async () => {
    const args = ["generate", "--checkpoint", checkpoint, "--prompt", "Python", "--max-tokens", "15", "--temperature", "1.2", "--top-k", "50", "--top-p", "0.95"];
    const [a, b, c] = [await run([...args, "--seed", "1"]), await run([...args, "--seed", "1"]), await run([...args, "--seed", "2"])];
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it("reads only the last n_positions tokens of a longer prompt, and says so", async () => {
    const long = "The for statement in Python differs a bit from what you may be used to in C or Pascal. ".repeat(3);
    const r = await run(["generate", "--checkpoint", checkpoint, "--prompt", long, "--max-tokens", "5", "--temperature", "0"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/note: the prompt is \d+ tokens and the model's context 16: the model reads only its last 16/);
    expect(r.stdout.startsWith(long)).toBe(true);
  });

  it("fails clearly on bad options and on a file that is not a GPT checkpoint", async () => {
    const bare = join(dir, "bare.safetensors");
    await saveFile({ x: zeros([1]) }, bare);
    const r = await run(["generate", "--checkpoint", bare, "--prompt", "x"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bare}: not a GPT checkpoint: its metadata lacks "gpt.config" and "tokenizer.json"`);
    expect((await run(["generate", "--checkpoint", join(dir, "none.safetensors"), "--prompt", "x"])).stderr).toMatch(/--checkpoint: .*does not exist/);
    expect((await run(["generate", "--checkpoint", checkpoint])).stderr).toMatch(/--prompt: is required/);
    const p = await run(["generate", "--checkpoint", checkpoint, "--prompt", "x", "--top-p", "1.5"]);
    expect([p.code, p.stderr]).toEqual([2, "rivulet: --top-p: expected a probability in (0, 1], got 1.5\n"]);
    expect(existsSync(checkpoint)).toBe(true);
  });
});

describe("rivulet train --model gpt through the command", () => {
  it("is dispatched to the GPT trainer, whose errors name the option", async () => {
    let stderr = "";
    const code = await main(["train", "--model", "gpt", "--dataset", "fashion-mnist"], { out: () => undefined, err: { isTTY: false, write: (s: string) => void (stderr += s) } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--dataset: expected text:<path-or-glob> for --model gpt, got "fashion-mnist"/);
  });
});
