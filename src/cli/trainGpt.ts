// `rivulet train --model gpt --dataset text:<path-or-glob>`: trains a byte-level BPE tokenizer and a small GPT on text files and writes one checkpoint holding both.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { decodeOptions, flagSpec, integer, number, oneOf, optional, path, required, toggle, value, withDefault } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";
import type { nn, Tensor } from "../index.js";

type Params = nn.Params;

/** `rivulet train --model gpt`'s options. */
export const TRAIN_GPT_OPTIONS = {
  model: value(withDefault(oneOf("model", ["gpt"] as const), "gpt"), "gpt", "the model: gpt (a decoder-only Transformer under GPT-2's names)"),
  dataset: value(required(path("text:<path-or-glob>"), "--dataset text:<path-or-glob>"), "text:PATH", "UTF-8 text files to train on: a path or a glob (`*`, `**`), e.g. text:docs/**/*.rst"),
  epochs: value(withDefault(integer(1), 2), "N", "passes over the training tokens (default 2)"),
  vocabSize: value(withDefault(integer(258), 512), "N", "the byte-level BPE vocabulary learned from the text (default 512; 256 bytes + <|endoftext|> + merges)"),
  context: value(withDefault(integer(2), 64), "N", "tokens per training window, the model's n_positions (default 64)"),
  batchSize: value(withDefault(integer(1), 16), "N", "windows per step (default 16)"),
  lr: value(withDefault(number({ positive: true }), 3e-3), "X", "AdamW's learning rate (default 3e-3; weight decay 0.01)"),
  nEmbd: value(withDefault(integer(1), 64), "N", "the embedding width, GPT2Config's n_embd (default 64)"),
  nLayer: value(withDefault(integer(1), 2), "N", "Transformer blocks, n_layer (default 2)"),
  nHead: value(withDefault(integer(1), 4), "N", "attention heads, n_head; must divide --n-embd (default 4)"),
  seed: value(withDefault(integer(0), 0), "N", "seed of the initial weights and the batch order (default 0)"),
  logdir: value(optional(path("a log folder")), "DIR", "where the TensorBoard logs and the checkpoint go (default runs/<date>-gpt)"),
  out: value(optional(path("a checkpoint file")), "FILE", "the checkpoint to write (default <logdir>/gpt.safetensors)"),
  json: toggle("end with one JSON line: val_loss, val_perplexity, train_loss, tokens, vocab_size, checkpoint, logdir"),
};

/** `rivulet train --model gpt --help`. */
export const TRAIN_GPT_HELP = helpText(
  "rivulet train --model gpt --dataset text:PATH [--epochs N] [--vocab-size N] [--context N] [--json]",
  "Trains a byte-level BPE tokenizer on the text, then a GPT (GPT-2's layout) to predict each next token, with AdamW.\n" +
    "The last 10% of the tokens are held out: each epoch prints the validation loss and perplexity (e^loss) and logs them\n" +
    "to TensorBoard. The checkpoint is one safetensors file holding the GPT-2 state_dict, its config (metadata gpt.config)\n" +
    "and the tokenizer (metadata tokenizer.json): `rivulet generate --checkpoint FILE --prompt TEXT` writes with it.",
  TRAIN_GPT_OPTIONS,
  ["Example:", "  rivulet train --model gpt --dataset 'text:/usr/share/doc/python3.11/html/_sources/tutorial/*.txt' --epochs 4 --json"],
);

const f3 = (x: number): string => x.toFixed(3);

/**
 * Runs `rivulet train --model gpt …` with `args` (the words after `train`, `--model gpt` included).
 * @example
 * await trainGpt(["--model", "gpt", "--dataset", "text:notes/*.txt", "--epochs", "1", "--json"], processIo());
 */
export const trainGpt = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("train", args, flagSpec(TRAIN_GPT_OPTIONS));
  if (parsed.help) return io.out(TRAIN_GPT_HELP);
  if (parsed.positionals.length > 0) throw usage(`train ${parsed.positionals[0]}`, "unexpected argument; train --model gpt takes options only (see rivulet train --model gpt --help)");
  const o = decodeOptions(TRAIN_GPT_OPTIONS, parsed);
  if (!o.dataset.startsWith("text:") || o.dataset.length === 5)
    throw usage("--dataset", `expected text:<path-or-glob> for --model gpt, got ${JSON.stringify(o.dataset)}`);
  if (o.nEmbd % o.nHead !== 0) throw usage("--n-head", `${o.nHead} heads must divide --n-embd ${o.nEmbd}`);
  const { findFiles } = await import("../nlp/text/findFiles.js");
  let files: string[];
  try {
    files = findFiles(o.dataset.slice(5));
  } catch (e) {
    throw usage("--dataset", (e as Error).message);
  }
  const [{ lastValueFrom, map, tap }, rv, { saveGptCheckpoint }] = await Promise.all([import("rxjs"), import("../index.js"), import("../nlp/gptCheckpoint.js")]);

  // ---- Tokenizer: byte-level BPE learned from the files; documents are joined by <|endoftext|> ----------------------
  const texts = files.map((file) => readFileSync(file, "utf8"));
  const lines = texts.flatMap((t) => t.split("\n")).filter((l) => l.trim() !== "");
  const tokenizer = rv.bpeTokenizer(rv.trainBpe(rv.countWords(lines), { vocabSize: o.vocabSize, specialTokens: ["<|endoftext|>"] }).model!);
  const eot = tokenizer.tokenToId("<|endoftext|>")!;
  const ids = texts.flatMap((t, i) => (i === 0 ? tokenizer.encodeOrdinary(t) : [eot, ...tokenizer.encodeOrdinary(t)]));
  const cut = Math.floor(ids.length * 0.9);
  const windowsOf = (part: number[]) => rv.windowDataset(part, { length: o.context, stride: o.context });
  const [trainWindows, valWindows] = [windowsOf(ids.slice(0, cut)), windowsOf(ids.slice(cut))];
  if (valWindows.length === 0 || trainWindows.length < o.batchSize)
    throw usage("--dataset", `${files.length} file(s) make ${ids.length} tokens: too few for --context ${o.context} and --batch-size ${o.batchSize} (need ${o.context * (o.batchSize + 1) * 10} or so, 10% held out); use more text or smaller settings`);
  io.err.write(`tokenizer: ${tokenizer.vocabSize} tokens learned from ${files.length} file(s); ${ids.length} tokens, ${trainWindows.length} training and ${valWindows.length} validation windows of ${o.context}\n`);

  // ---- Model, data and the training stream ------------------------------------------------------------------------
  const model = rv.gpt({ vocabSize: tokenizer.vocabSize, nPositions: o.context, nEmbd: o.nEmbd, nLayer: o.nLayer, nHead: o.nHead, embdPdrop: 0, attnPdrop: 0, residPdrop: 0 });
  const asIds = (rows: number[][]) => rv.tensor(rows, { dtype: "int32" });
  const train = rv.loader(trainWindows, { batchSize: o.batchSize, shuffle: true, seed: o.seed, dropLast: true, collate: asIds });
  const validation = rv.loader(valWindows, { batchSize: o.batchSize, collate: asIds });
  const loss = (p: Params, batch: Tensor) => rv.causalLmLoss(model, p, batch);
  const optimizer = rv.adamw({ lr: o.lr, weightDecay: 0.01 });
  const step = rv.trainStep<Params, Tensor, unknown>({ loss, optimizer });
  const logdir = o.logdir ?? join("runs", `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}-gpt`);
  mkdirSync(logdir, { recursive: true });
  const checkpoint = o.out ?? join(logdir, "gpt.safetensors");
  const writer = await rv.openSummaryWriter(logdir);
  const trainSamples = train.length * o.batchSize;
  try {
    const last = await lastValueFrom(
      train.epochs(o.epochs).pipe(
        rv.trainSteps(step, rv.trainState({ params: model.init(rv.key(o.seed)).params, optimizer, seed: o.seed })),
        rv.toTensorBoard(writer, { step: (s) => s.state.step, scalars: (s) => ({ train_loss: s.metrics.loss! }) }),
        map((s) => ({ s, epoch: s.epoch + 1, samples: s.samples, total: trainSamples, loss: s.metrics.loss })),
        rv.progress({ perBatch: true, epochs: o.epochs, output: io.err }),
        map(({ s }) => s),
        rv.epochs(),
        rv.evaluate(validation, { loss, as: "val" }),
        rv.toTensorBoard(writer, { step: (e) => e.epoch + 1, scalars: (e) => ({ val_loss: e.val.loss!, val_perplexity: Math.exp(e.val.loss!) }) }),
        tap((e) => io.err.write(`epoch ${e.epoch + 1}/${o.epochs}: train loss ${f3(e.train.loss!)}, validation loss ${f3(e.val.loss!)}, perplexity ${Math.exp(e.val.loss!).toFixed(2)}\n`)),
      ),
    );
    await saveGptCheckpoint(checkpoint, { module: model, params: last.state.params }, tokenizer);
    io.err.write(`checkpoint (model and tokenizer) in ${checkpoint}; TensorBoard logs in ${logdir}\n`);
    if (o.json)
      io.out(JSON.stringify({
        val_loss: last.val.loss!, val_perplexity: Math.exp(last.val.loss!), train_loss: last.train.loss!, epochs: o.epochs,
        tokens: ids.length, vocab_size: tokenizer.vocabSize, checkpoint, logdir,
      }));
  } finally {
    await writer.close();
  }
};
