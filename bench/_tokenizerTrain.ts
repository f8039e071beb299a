// One tokenizer training run in its own process, for bench/tokenizers.ts: `rivulet` or `hf` on a list of files; prints { seconds, maxRssMiB }.
import { readFileSync, writeFileSync } from "node:fs";
import { BPE, byteLevelPreTokenizer, Tokenizer } from "tokenizers";
import { countWords, readUtf8File, toTokenizerJson, trainBpe } from "../src/index.js";

const [who, listFile, vocab, out] = process.argv.slice(2) as [string, string, string, string];
const files = readFileSync(listFile, "utf8").split("\n").filter((f) => f !== "");
const vocabSize = Number(vocab);
const t0 = performance.now();
if (who === "rivulet") {
  const words = new Map<string, number>();
  for (const f of files) countWords([readUtf8File(f)], {}, words);
  const trained = trainBpe(words, { vocabSize, specialTokens: ["<|endoftext|>"] });
  writeFileSync(out, toTokenizerJson(trained.model!));
} else {
  // HF's default BPE trainer (vocab 30000, min frequency 0) over the ByteLevel pre-tokenizer, as its Node binding offers it.
  const tok = new Tokenizer(BPE.empty());
  tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
  tok.train(files);
  tok.save(out);
}
const seconds = (performance.now() - t0) / 1000;
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, hwm: hwm ? Number(hwm[1]) / 1024 : null }) + "\n");
