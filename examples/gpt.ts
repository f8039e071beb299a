// Curriculum section "GPT": a small decoder-only Transformer trained to predict the next token of the Python documentation, with a BPE tokenizer trained here too.
//
//   npx tsx examples/gpt.ts            the full run (minutes on 2 cores; numbers in docs/results.md)
//   npx tsx examples/gpt.ts --quick    tiny settings, a smoke test
//   npx tsx examples/gpt.ts --logdir runs/gpt    keeps the TensorBoard logs (val_perplexity, samples) in runs/gpt
//
// GPT is pre-training by language modelling: given tokens 1…t, predict token t+1, over and over, on plain text.
// The model sees only earlier tokens (a causal mask), so the same network then writes text one token at a time.
// What to watch: the validation perplexity (e^loss, "how many tokens the model is choosing between") falls each
// epoch, and the samples turn from byte soup into English-looking words.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastValueFrom, map, tap, toArray } from "rxjs";
import {
  adamw, nn, bpeTokenizer, causalLmLoss, countWords, epochs, evaluate, generate, gpt, key, loader, mapAsync, openSummaryWriter, tensor, toTensorBoard, trainBpe,
  trainState, trainStep, trainSteps, windowDataset, type Dataset, type Tensor,
} from "../src/index.js";
import { corpusFiles, PYTHON_DOCS } from "./_corpus.js";

type Params = nn.Params;

const quick = process.argv.includes("--quick");
const s = quick
  ? { chars: 12_000, vocabSize: 300, context: 32, nEmbd: 16, nLayer: 1, nHead: 2, batchSize: 16, epochs: 2, sampleTokens: 12 }
  : { chars: 120_000, vocabSize: 512, context: 64, nEmbd: 48, nLayer: 2, nHead: 4, batchSize: 16, epochs: 5, sampleTokens: 30 };

// ---- The corpus: the Python tutorial's reStructuredText sources (its first 120,000 characters: minutes on 2 cores) --
const tutorial = corpusFiles().filter((f) => f.startsWith(`${PYTHON_DOCS}/tutorial/`));
const text = (tutorial.length > 0 ? tutorial : corpusFiles()).map((f) => readFileSync(f, "utf8")).join("\n").slice(0, s.chars);
const lines = text.split("\n").filter((l) => l.trim() !== "");

// ---- A byte-level BPE tokenizer learned from the same text (GPT-2's scheme) ---------------------------------------
// Every byte is a token to begin with, so any text can be encoded; merges of frequent pairs make the longer tokens.
const tokenizer = bpeTokenizer(trainBpe(countWords(lines), { vocabSize: s.vocabSize, specialTokens: ["<|endoftext|>"] }).model!);
const ids = tokenizer.encode(text);
console.log(`corpus: ${text.length} characters → ${ids.length} tokens with a ${tokenizer.vocabSize}-token BPE vocabulary`);

// The last 10% of the text is held out: the validation perplexity is measured on text the model never trained on.
const cut = Math.floor(ids.length * 0.9);
const windowsOf = (part: number[]): Dataset<number[]> => windowDataset(part, { length: s.context, stride: s.context });
const asIds = (rows: number[][]): Tensor => tensor(rows, { dtype: "int32" });
const train = loader(windowsOf(ids.slice(0, cut)), { batchSize: s.batchSize, shuffle: true, seed: 0, dropLast: true, collate: asIds });
const validation = loader(windowsOf(ids.slice(cut)), { batchSize: s.batchSize, collate: asIds });
console.log(`${train.length} training batches of ${s.batchSize}×${s.context} tokens per epoch, ${validation.length} validation batches`);

// ---- The model: GPT-2's architecture, scaled down -------------------------------------------------------------------
// Token + position embeddings, nLayer blocks of (masked self-attention, MLP) each with a residual and a pre-LayerNorm,
// and an output layer tied to the token embedding. No dropout: the model is small and trains for few epochs.
const model = gpt({ vocabSize: tokenizer.vocabSize, nPositions: s.context, nEmbd: s.nEmbd, nLayer: s.nLayer, nHead: s.nHead, embdPdrop: 0, attnPdrop: 0, residPdrop: 0 });
const params0 = model.init(key(0)).params;

// The loss is the mean cross-entropy of each next token; AdamW as GPT-2 was trained with.
const loss = (p: Params, batch: Tensor): Tensor => causalLmLoss(model, p, batch);
const optimizer = adamw({ lr: 3e-3, weightDecay: 0.01 });
const step = trainStep<Params, Tensor, unknown>({ loss, optimizer });

// A sample from the model: a prompt, then tokens drawn one at a time (temperature 0.8 among the 40 most likely).
const words = new Set(text.match(/[A-Za-z]+/g) ?? []);
const sample = async (params: Params, epoch: number): Promise<{ text: string; wordLike: number }> => {
  const prompt = tokenizer.encode("The ");
  const out = await lastValueFrom(generate({ module: model, params }, prompt, { maxTokens: s.sampleTokens, temperature: 0.8, topK: 40, key: key(100 + epoch) }).pipe(toArray()));
  const continuation = tokenizer.decode(out);
  // How word-like the sample is: the share of its words (runs of letters) that occur in the corpus.
  const got = continuation.match(/[A-Za-z]+/g) ?? [];
  return { text: `The ${continuation}`, wordLike: got.length === 0 ? 0 : got.filter((w) => words.has(w)).length / got.length };
};

// ---- Training: batches → steps → epochs → validation → TensorBoard ---------------------------------------------
// TensorBoard logs go to --logdir DIR when given (kept), else to a temporary folder removed at the end.
const logArg = process.argv.indexOf("--logdir");
const logdir = logArg > 0 && process.argv[logArg + 1] ? process.argv[logArg + 1]! : mkdtempSync(join(tmpdir(), "rivulet-gpt-"));
const writer = await openSummaryWriter(logdir);
const started = Date.now();
const perplexities: number[] = [];
const before = await sample(params0, -1);
console.log(`before training: ${JSON.stringify(before.text)}`);
await lastValueFrom(
  train.epochs(s.epochs).pipe(
    trainSteps(step, trainState({ params: params0, optimizer, seed: 0 })),
    epochs(),
    // The validation loss over the held-out windows, in evaluation mode.
    evaluate(validation, { loss, as: "val" }),
    map((e) => ({ ...e, perplexity: Math.exp(e.val.loss!) })),
    toTensorBoard(writer, { step: (e) => e.epoch + 1, scalars: (e) => ({ train_loss: e.train.loss!, val_loss: e.val.loss!, val_perplexity: e.perplexity }) }),
    tap((e) => perplexities.push(e.perplexity)),
    // A sample after each epoch; training waits meanwhile.
    mapAsync(async (e) => {
      const { text: sampleText, wordLike } = await sample(e.state.params, e.epoch);
      console.log(`epoch ${e.epoch + 1}: train loss ${e.train.loss!.toFixed(3)}, validation loss ${e.val.loss!.toFixed(3)}, perplexity ${e.perplexity.toFixed(1)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      console.log(`  sample (${(100 * wordLike).toFixed(0)}% corpus words): ${JSON.stringify(sampleText)}`);
      await writer.addText("sample", sampleText, e.epoch + 1);
      return e;
    }),
  ),
);
await writer.close();
if (logArg > 0) console.log(`TensorBoard logs in ${logdir}: tensorboard --logdir ${logdir}`);
else rmSync(logdir, { recursive: true, force: true });

// The checks: every perplexity is a number, below the vocabulary size (a model that learned nothing scores about
// vocabSize), and in the full run it falls from each epoch to the next.
console.log(`validation perplexity by epoch: ${perplexities.map((p) => p.toFixed(1)).join(" → ")}`);
if (!perplexities.every((p) => Number.isFinite(p) && p < tokenizer.vocabSize)) throw new Error(`perplexities must be finite and below ${tokenizer.vocabSize}: ${perplexities.join(", ")}`);
if (!quick && !perplexities.every((p, i) => i === 0 || p < perplexities[i - 1]!)) throw new Error("expected the validation perplexity to fall every epoch");
