// Curriculum section "RLHF" (reinforcement learning from human feedback): its three stages — a pre-trained language
// model, a reward model trained on preferences, and PPO fine-tuning under a KL penalty to the initial model — run end to
// end on this CPU, with DPO on the same preferences as a second route.
//
//   npx tsx examples/rlhf.ts            the full run (several minutes on 2 cores; numbers in docs/results.md)
//   npx tsx examples/rlhf.ts --quick    tiny settings, a smoke test
//
// The notes' stages, as `rlhfPipeline` streams them:
//  1. 预训练语言模型 — a byte-level BPE tokenizer and a small GPT trained on the Python documentation (Debian's python3.11-doc).
//  2. 训练奖励模型 — prompts from the corpus, two sampled continuations each, ranked by a labeller; a reward model (the
//     GPT trunk plus a scalar head) learns the ranking with the Bradley–Terry loss. The labeller here is a program that
//     prefers more letters (word-like text over symbols and spaces): it stands in for the human labellers of the notes.
//  3. 通过强化学习微调 LM — PPO samples from the policy, scores with the reward model, subtracts β·(log π − log π_ref) at
//     every token (the notes' constraint that keeps the policy near the initial model), and updates; β adapts to a target KL.
import { lastValueFrom, tap } from "rxjs";
import { rlhfPipeline } from "../src/rl/rlhf/index.js";
import { corpusFiles, PYTHON_DOCS } from "./_corpus.js";

const quick = process.argv.includes("--quick");
const tutorial = corpusFiles().filter((f) => f.startsWith(`${PYTHON_DOCS}/tutorial/`));
const corpus = tutorial.length > 0 ? tutorial : corpusFiles();

const settings = quick
  ? { vocabSize: 280, model: { nPositions: 24, nEmbd: 16, nLayer: 1, nHead: 2 }, pretrainEpochs: 1, maxTokens: 12_000, promptTokens: 4, responseTokens: 6, pairPrompts: 48, evalPrompts: 8, rewardEpochs: 1, ppoSteps: 2, ppoBatchSize: 4, dpoEpochs: 1 }
  : {};

const result = await lastValueFrom(
  rlhfPipeline({ corpus, seed: 0, ...settings }).pipe(
    tap((e) => {
      switch (e.stage) {
        case "tokenizer": return console.log(`stage 1: a BPE tokenizer of ${e.vocab_size} tokens; the corpus is ${e.corpus_tokens} tokens`);
        case "pretrain": return e.val_loss !== undefined && console.log(`stage 1: LM epoch ${e.epoch + 1}: validation loss ${e.val_loss.toFixed(3)}, perplexity ${Math.exp(e.val_loss).toFixed(1)}`);
        case "pairs": return console.log(`stage 2: ${e.pairs} pairs; e.g. for ${JSON.stringify(e.example.prompt)} the labeller preferred ${JSON.stringify(e.example.chosen)} over ${JSON.stringify(e.example.rejected)}`);
        case "reward": return e.val_accuracy !== undefined && console.log(`stage 2: reward model epoch ${e.epoch + 1}: held-out pairwise accuracy ${e.val_accuracy.toFixed(3)}`);
        case "ppo": return console.log(`stage 3: PPO step ${e.step}: mean reward ${e.reward.toFixed(3)}, KL to the initial model ${e.kl.toFixed(3)}, β ${e.kl_coef.toFixed(4)}`);
        case "dpo": return e.step % 10 === 0 && console.log(`DPO step ${e.step}: loss ${e.loss.toFixed(3)}`);
        default: return undefined;
      }
    }),
  ),
);
if (result.stage !== "result") throw new Error("the pipeline ended without a result");
console.log("\nsamples before (prompt|continuation):", result.samples_before);
console.log("samples after PPO:", result.samples_after);
console.log("samples after DPO:", result.samples_dpo);
console.log(`\nreward-model score of samples: ${result.reward_before.toFixed(3)} before, ${result.reward_after.toFixed(3)} after PPO (KL ${result.kl.toFixed(3)}, target ${result.kl_target}), ${result.dpo_reward_after.toFixed(3)} after DPO (KL ${result.dpo_kl.toFixed(3)})`);
for (const v of [result.reward_before, result.reward_after, result.kl, result.dpo_reward_after, result.dpo_kl]) if (!Number.isFinite(v)) throw new Error(`a result is not finite: ${v}`);
if (!quick && !(result.reward_after > result.reward_before && result.kl < result.kl_target)) throw new Error("expected PPO to raise the reward while the KL stays under its target");
