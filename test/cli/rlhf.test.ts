// `rivulet rlhf` end to end with --quick on the committed corpus slice: the JSON line, the run folder's files read back, and bad input.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/CliIo.js";
import { decodeSafetensors, loadTokenizer } from "../../src/index.js";
import { eventFiles, readEvents } from "../sinks/tensorboard/_eventReader.js";

const run = async (args: readonly string[]) => {
  let [stdout, stderr] = ["", ""];
  const io: CliIo = { out: (l) => void (stdout += `${l}\n`), err: { isTTY: false, write: (s: string) => void (stderr += s) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
};

const SLICE = "test/fixtures/text/python-docs-slice.txt";

describe("rivulet rlhf", () => {
  it("runs every stage with --quick and writes logs, the policy, the tokenizer and the curves", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rivulet-rlhf-"));
    try {
      const r = await run(["rlhf", "--quick", "--json", "--corpus", SLICE, "--logdir", dir]);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number>;
      for (const k of ["reward_before", "reward_after", "kl", "kl_target", "dpo_reward_after", "dpo_kl", "reward_model_accuracy"]) expect(Number.isFinite(summary[k]), k).toBe(true);
      expect(summary.kl_target).toBe(6);
      expect(r.stderr).toMatch(/stage 1: tokenizer of 300 tokens/);
      expect(r.stderr).toMatch(/stage 3: PPO step 1: reward/);
      // The tuned policy is a GPT-2 state_dict; the tokenizer file loads back; TensorBoard has the PPO scalars.
      const policy = decodeSafetensors(readFileSync(join(dir, "policy.safetensors")));
      expect(Object.keys(policy.tensors)).toContain("transformer.h.0.attn.c_attn.weight");
      expect(loadTokenizer(join(dir, "tokenizer.json")).vocabSize).toBe(300);
      const tags = new Set(readEvents(eventFiles(dir)[0]!).flatMap((e) => (e.summary?.value ?? []).map((v: { tag: string }) => v.tag)));
      for (const t of ["pretrain/loss", "reward_model/loss", "ppo/reward", "ppo/kl", "ppo/kl_coef", "ppo/entropy", "ppo/clip_fraction", "ppo/value_loss", "dpo/loss"]) expect(tags.has(t), t).toBe(true);
      expect(readFileSync(join(dir, "curves.svg"), "utf8")).toMatch(/^<svg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("names a corpus that is not there", async () => {
    const r = await run(["rlhf", "--corpus", "/no/such/dir/*.txt"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--corpus: /);
    expect(existsSync("/no/such/dir")).toBe(false);
  });
});
