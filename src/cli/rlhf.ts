// `rivulet rlhf`: the curriculum's three RLHF stages (pre-trained LM, reward model from preferences, PPO with a KL penalty) and DPO, from one command.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { decodeOptions, flagSpec, integer, number, optional, path, toggle, value, withDefault } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

const DEFAULT_CORPUS = "/usr/share/doc/python3.11/html/_sources/tutorial/*.rst.txt";

/** `rivulet rlhf`'s options. */
export const RLHF_OPTIONS = {
  corpus: value(withDefault(path("corpus files or a glob"), DEFAULT_CORPUS), "GLOB", `text to pre-train on (default: Debian python3.11-doc's tutorial, ${DEFAULT_CORPUS})`),
  seed: value(withDefault(integer(0), 0), "N", "seed of every stage (default 0)"),
  vocabSize: value(withDefault(integer(260), 512), "N", "the byte-level BPE vocabulary trained on the corpus (default 512)"),
  pretrainEpochs: value(withDefault(integer(1), 2), "N", "epochs of language-model pre-training (default 2)"),
  rewardEpochs: value(withDefault(integer(1), 3), "N", "epochs of reward-model training (default 3)"),
  ppoSteps: value(withDefault(integer(1), 30), "N", "PPO steps of 16 prompts each (default 30)"),
  klTarget: value(withDefault(number({ positive: true }), 6), "X", "the adaptive KL controller's target, TRL's default 6"),
  dpoEpochs: value(withDefault(integer(1), 2), "N", "DPO epochs over the same pairs (default 2)"),
  logdir: value(optional(path("a log folder")), "DIR", "where TensorBoard logs, the PPO reward/KL plot (curves.svg), the tuned policy and tokenizer.json go (default runs/<date>-rlhf)"),
  quick: toggle("tiny settings that finish in well under a minute (a smoke test, not a result)"),
  json: toggle("end with one JSON line: reward_before, reward_after, kl, kl_target, dpo_reward_after, dpo_kl, reward_model_accuracy"),
};

/** `rivulet rlhf --help`. */
export const RLHF_HELP = helpText(
  "rivulet rlhf [--corpus GLOB] [--ppo-steps N] [--json]",
  "Runs RLHF end to end on this machine: trains a BPE tokenizer and a small GPT on the corpus (stage 1), samples\n" +
    "pairs of responses and labels them with a programmatic preference that stands in for human labels (more letters is\n" +
    "better), trains a reward model on them (stage 2), then fine-tunes the GPT with PPO against the reward model under a\n" +
    "KL penalty to the pre-trained model (stage 3), and trains DPO on the same pairs. Prints samples before and after.",
  RLHF_OPTIONS,
  ["Example:", "  rivulet rlhf --ppo-steps 30 --json"],
);

const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/**
 * Runs `rivulet rlhf` with `args`.
 * @example
 * await rlhf(["--quick", "--json"], processIo());
 */
export const rlhf = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("rlhf", args, flagSpec(RLHF_OPTIONS));
  if (parsed.help) return io.out(RLHF_HELP);
  if (parsed.positionals.length > 0) throw usage(`rlhf ${parsed.positionals[0]}`, "unexpected argument; rlhf takes options only (see rivulet rlhf --help)");
  const o = decodeOptions(RLHF_OPTIONS, parsed);
  const { findFiles } = await import("../nlp/text/findFiles.js");
  try {
    findFiles(o.corpus);
  } catch (e) {
    throw usage("--corpus", `${(e as Error).message}${o.corpus === DEFAULT_CORPUS ? " (Debian: apt-get install python3.11-doc)" : ""}`);
  }
  const [{ rlhfPipeline }, { openSummaryWriter, toTensorBoard }, { lastValueFrom, tap }, { toTokenizerJson }, { saveFile }, { stateDict }] = await Promise.all([
    import("../rl/rlhf/rlhfPipeline.js"), import("../sinks/index.js"), import("rxjs"), import("../nlp/tokenizers/tokenizerJson.js"), import("../io/index.js"), import("../nn/stateDict.js"),
  ]);
  const logdir = o.logdir ?? join("runs", `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}-rlhf`);
  mkdirSync(logdir, { recursive: true });
  const writer = await openSummaryWriter(logdir);
  const quick = o.quick
    ? { vocabSize: 300, model: { nPositions: 32, nEmbd: 32, nLayer: 1, nHead: 2 }, pretrainEpochs: 1, maxTokens: 20_000, pairPrompts: 64, evalPrompts: 16, rewardEpochs: 1, ppoSteps: 3, ppoBatchSize: 8, dpoEpochs: 1 }
    : {};
  const counters = { pretrain: 0, reward: 0, ppo: 0, dpo: 0 };
  const ppoRows: { step: number; reward: number; kl: number }[] = [];
  try {
    const result = await lastValueFrom(
      rlhfPipeline({ corpus: o.corpus, seed: o.seed, vocabSize: o.vocabSize, pretrainEpochs: o.pretrainEpochs, rewardEpochs: o.rewardEpochs, ppoSteps: o.ppoSteps, klTarget: o.klTarget, dpoEpochs: o.dpoEpochs, ...quick }).pipe(
        tap((e) => {
          if (e.stage === "tokenizer") io.err.write(`stage 1: tokenizer of ${e.vocab_size} tokens; corpus of ${e.corpus_tokens} tokens\n`);
          if (e.stage === "pretrain" && e.val_loss !== undefined) io.err.write(`stage 1: epoch ${e.epoch + 1} train loss ${f(e.loss)}, validation loss ${f(e.val_loss)} (perplexity ${f(Math.exp(e.val_loss))})\n`);
          if (e.stage === "pairs") io.err.write(`stage 2: ${e.pairs} preference pairs (${e.train} to train, ${e.validation} held out)\n`);
          if (e.stage === "reward" && e.val_accuracy !== undefined) io.err.write(`stage 2: reward model epoch ${e.epoch + 1}: loss ${f(e.loss)}, held-out pairwise accuracy ${f(e.val_accuracy)}\n`);
          if (e.stage === "ppo") ppoRows.push({ step: e.step, reward: e.reward, kl: e.kl });
          if (e.stage === "ppo" && (e.step % 5 === 0 || e.step === 1)) io.err.write(`stage 3: PPO step ${e.step}: reward ${f(e.reward)}, KL ${f(e.kl)} (β ${f(e.kl_coef)})\n`);
          if (e.stage === "dpo" && e.step % 10 === 0) io.err.write(`DPO step ${e.step}: loss ${f(e.loss)}, implicit reward accuracy ${f(e.reward_accuracy)}\n`);
        }),
        toTensorBoard(writer, {
          step: (e) => (e.stage === "result" || e.stage === "tokenizer" || e.stage === "pairs" ? 0 : ++counters[e.stage]),
          scalars: (e): Record<string, number> => {
            switch (e.stage) {
              case "pretrain": return e.val_loss === undefined ? { "pretrain/loss": e.loss } : { "pretrain/loss": e.loss, "pretrain/val_loss": e.val_loss };
              case "reward": return e.val_accuracy === undefined ? { "reward_model/loss": e.loss, "reward_model/accuracy": e.accuracy } : { "reward_model/loss": e.loss, "reward_model/accuracy": e.accuracy, "reward_model/val_accuracy": e.val_accuracy };
              case "ppo": return { "ppo/reward": e.reward, "ppo/kl": e.kl, "ppo/kl_coef": e.kl_coef, "ppo/entropy": e.entropy, "ppo/clip_fraction": e.clip_fraction, "ppo/value_loss": e.value_loss, "ppo/policy_loss": e.policy_loss, "ppo/approx_kl": e.approx_kl };
              case "dpo": return { "dpo/loss": e.loss, "dpo/reward_accuracy": e.reward_accuracy, "dpo/reward_margin": e.reward_margin };
              default: return {};
            }
          },
        }),
      ),
    );
    if (result.stage !== "result") throw new Error("rlhf: the pipeline ended without a result");
    writeFileSync(join(logdir, "tokenizer.json"), toTokenizerJson(result.tokenizer.model));
    const { renderLinePlot } = await import("../sinks/plot.js");
    writeFileSync(join(logdir, "curves.svg"), await renderLinePlot(ppoRows, { x: "step", series: { reward: "reward", kl: "KL" }, xlabel: "PPO step", ylabel: "mean over the batch" }));
    const show = (title: string, samples: readonly string[]) => io.err.write(`${title}\n${samples.map((s) => `  ${JSON.stringify(s)}`).join("\n")}\n`);
    show("samples before (prompt|response):", result.samples_before);
    show("samples after PPO:", result.samples_after);
    show("samples after DPO:", result.samples_dpo);
    await writer.addText("samples", [...result.samples_before.map((s) => `before: ${s}`), ...result.samples_after.map((s) => `after PPO: ${s}`), ...result.samples_dpo.map((s) => `after DPO: ${s}`)].join("\n\n"), 0);
    // The tuned policy under GPT-2's names, beside the tokenizer it needs.
    await saveFile(stateDict(result.policy.module, { params: result.policy.params, state: {} }), join(logdir, "policy.safetensors"), { format: "pt" });
    io.err.write(`reward ${f(result.reward_before)} → ${f(result.reward_after)} with PPO (KL ${f(result.kl)}, target ${result.kl_target}); ${f(result.dpo_reward_after)} with DPO (KL ${f(result.dpo_kl)}); logs in ${logdir}\n`);
    if (o.json)
      io.out(JSON.stringify({
        reward_before: result.reward_before, reward_after: result.reward_after, kl: result.kl, kl_target: result.kl_target,
        dpo_reward_after: result.dpo_reward_after, dpo_kl: result.dpo_kl, reward_model_accuracy: result.reward_model_accuracy,
      }));
  } finally {
    await writer.close();
  }
};
