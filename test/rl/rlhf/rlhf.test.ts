// RLHF's pure parts against TRL's formulas written out in torch (test/fixtures/gen_rlhf.py), and their bad-input errors.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tensor, grad, type Tensor } from "../../../src/index.js";
import {
  tokenLogprobs, sequenceLogprobs, entropyFromLogits, klPenalizedRewards, tokenAdvantages, ppoTokenLoss, maskedMean, maskedVar, maskedWhiten,
  adaptiveKlController, fixedKlController, dpoLoss, bradleyTerryLoss, pairwiseAccuracy, parsePreferences, readPreferences,
} from "../../../src/rl/rlhf/index.js";

const F = JSON.parse(readFileSync(new URL("../../fixtures/rlhf.json", import.meta.url), "utf8")) as Record<string, any>;
const [B, T, V] = F.shape as [number, number, number];
const t2 = (xs: number[]): Tensor => tensor(Float32Array.from(xs), { shape: [B, T] });
const close = (got: Tensor | number, want: number[] | number, tol = 2e-5): void => {
  const g = typeof got === "number" ? [got] : Array.from(got.dataSync() as Float32Array);
  const w = typeof want === "number" ? [want] : want;
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]!), `element ${i}: ${v} vs ${w[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w[i]!))));
};

const logits = tensor(Float32Array.from(F.logits), { shape: [B, T, V] });
const ids = tensor(Int32Array.from(F.ids), { shape: [B, T], dtype: "int32" });
const mask = t2(F.mask);

describe("token log-probabilities", () => {
  it("match log_softmax + gather, entropy and masked sums", () => {
    close(tokenLogprobs(logits, ids), F.token_logprobs);
    close(entropyFromLogits(logits), F.entropy);
    close(sequenceLogprobs(logits, ids, mask), F.sequence_logprobs);
  });
  it("name both shapes when they disagree", () => {
    expect(() => tokenLogprobs(logits, tensor([[1, 2]], { dtype: "int32" }))).toThrow(/logits \[3, 5, 7\] and ids \[1, 2\]/);
  });
});

describe("masked statistics", () => {
  it("mean, unbiased variance and whitening as TRL", () => {
    const v = t2(F.old_values);
    close(maskedMean(v, mask), F.masked_mean);
    close(maskedVar(v, mask), F.masked_var);
    close(maskedWhiten(v, mask, { shiftMean: false }), F.masked_whiten_noshift, 1e-4);
  });
  it("refuses a mask of another shape", () => {
    expect(() => maskedMean(t2(F.old_values), tensor([1, 0]))).toThrow(/values of shape \[3, 5\] and mask of shape \[2\]/);
  });
});

describe("KL-shaped rewards, token GAE and the PPO loss", () => {
  const tokenLp = t2(F.token_logprobs);
  const { rewards, klRewards } = klPenalizedRewards(tensor(F.scores), tokenLp, t2(F.ref_logprobs), mask, F.kl_coef);
  it("add the score at the last response token to the KL penalty", () => {
    close(klRewards, F.non_score_rewards);
    close(rewards, F.rewards);
  });
  const { advantages, returns } = tokenAdvantages(t2(F.old_values), rewards, mask, { gamma: 1, lam: 0.95 });
  it("compute whitened advantages and returns", () => {
    close(advantages, F.advantages, 1e-4);
    close(returns, F.returns, 1e-4);
  });
  it("give TRL's losses, statistics and gradients", () => {
    const rollout = { oldLogprobs: t2(F.old_logprobs), oldValues: t2(F.old_values), advantages, returns, mask };
    const out = ppoTokenLoss(rollout, tokenLp, t2(F.vpreds));
    close(out.policyLoss, F.pg_loss, 1e-4);
    close(out.valueLoss, F.vf_loss, 1e-4);
    close(out.loss, F.loss, 1e-4);
    close(out.clipFraction, F.pg_clipfrac);
    close(out.valueClipFraction, F.vf_clipfrac);
    close(out.approxKl, F.approxkl);
    const g = grad((p: { lp: Tensor; v: Tensor }) => ppoTokenLoss(rollout, p.lp, p.v).loss)({ lp: tokenLp, v: t2(F.vpreds) });
    close(g.lp, F.d_logprobs, 1e-4);
    close(g.v, F.d_values, 1e-4);
  });
  it("name the argument whose shape is wrong", () => {
    const rollout = { oldLogprobs: t2(F.old_logprobs), oldValues: t2(F.old_values), advantages, returns, mask };
    expect(() => ppoTokenLoss(rollout, tensor([[1]]), t2(F.vpreds))).toThrow(/logprobs has shape \[1, 1\], but oldLogprobs is \[3, 5\]/);
    expect(() => klPenalizedRewards(tensor([1, 2]), tokenLp, tokenLp, mask, 0.1)).toThrow(/scores \[2\]/);
  });
});

describe("KL controllers", () => {
  it("adapt toward the target as TRL's AdaptiveKLController", () => {
    let c = adaptiveKlController();
    const got = (F.kl_ctl.kls as number[]).map((kl) => (c = c.update(kl, F.kl_ctl.n_steps)).value);
    got.forEach((v, i) => expect(v).toBeCloseTo(F.kl_ctl.values[i], 9));
  });
  it("stay fixed, and refuse nonsense", () => {
    expect(fixedKlController(0.05).update(100, 1000).value).toBe(0.05);
    expect(() => adaptiveKlController({ target: 0 })).toThrow(/target must be a positive number/);
    expect(() => fixedKlController(-1)).toThrow(/≥ 0/);
  });
});

describe("preference losses", () => {
  const P = F.pairs as Record<string, number[]>;
  it("DPO's loss, gradients and implicit rewards as TRL's sigmoid loss", () => {
    const inputs = { policyChosen: tensor(P.pc!), policyRejected: tensor(P.pr!), referenceChosen: tensor(P.rc!), referenceRejected: tensor(P.rr!) };
    const out = dpoLoss(inputs);
    close(out.loss, F.dpo_loss);
    close(out.chosenRewards, F.dpo_chosen_rewards);
    close(out.rejectedRewards, F.dpo_rejected_rewards);
    close(dpoLoss(inputs, { labelSmoothing: 0.1 }).loss, F.dpo_loss_ls);
    const g = grad((p: { c: Tensor; r: Tensor }) => dpoLoss({ ...inputs, policyChosen: p.c, policyRejected: p.r }).loss)({ c: inputs.policyChosen, r: inputs.policyRejected });
    close(g.c, F.dpo_d_pc);
    close(g.r, F.dpo_d_pr);
    expect(() => dpoLoss({ ...inputs, policyChosen: tensor([1]) })).toThrow(/policyChosen has shape \[1\] but policyChosen|has shape \[4\]/);
    expect(() => dpoLoss(inputs, { beta: 0 })).toThrow(/beta must be positive/);
  });
  it("Bradley–Terry loss and pairwise accuracy", () => {
    close(bradleyTerryLoss(tensor(P.rc!), tensor(P.rr!)), F.bt_loss);
    expect(pairwiseAccuracy(tensor(P.rc!), tensor(P.rr!))).toBeCloseTo(F.bt_accuracy, 6);
  });
});

describe("preference files", () => {
  it("parse JSONL pairs, skipping blank lines", () => {
    const text = '{"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away.", "extra": 1}\n\n{"prompt": "", "chosen": "a", "rejected": "b"}\n';
    expect(parsePreferences(text, "p.jsonl")).toEqual([{ prompt: "Hi", chosen: "Hello!", rejected: "Go away." }, { prompt: "", chosen: "a", rejected: "b" }]);
  });
  it("name the file, the line and the field of a malformed line", () => {
    expect(() => parsePreferences('{"prompt": "a", "chosen": "b", "rejected": "c"}\n{"prompt": "a", "chosen": 3, "rejected": "c"}\n', "p.jsonl")).toThrow(/p\.jsonl: line 2: field "chosen": expected a string, got 3/);
    expect(() => parsePreferences('{"prompt": "a", "chosen": "b"}\n', "p.jsonl")).toThrow(/line 1: field "rejected": expected a string, got nothing/);
    expect(() => parsePreferences("{oops\n", "p.jsonl")).toThrow(/p\.jsonl: line 1: not JSON/);
    expect(() => parsePreferences("[1]\n", "p.jsonl")).toThrow(/line 1: expected an object/);
    expect(() => parsePreferences("\n\n", "p.jsonl")).toThrow(/no preference pairs/);
  });
  it("read files, naming a missing one and bytes that are not UTF-8", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rivulet-prefs-"));
    try {
      await expect(readPreferences(join(dir, "none.jsonl"))).rejects.toThrow(/preference file not found \(looked in .*none\.jsonl\)/);
      const bad = join(dir, "bad.jsonl");
      writeFileSync(bad, Buffer.concat([Buffer.from('{"prompt": "a", "chosen": "b", "rejected": "c"}\n{"prompt": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
      await expect(readPreferences(bad)).rejects.toThrow(/bad\.jsonl: line 2: not UTF-8 text \(invalid byte at offset 60\)/);
      const good = join(dir, "good.jsonl");
      writeFileSync(good, '{"prompt": "é", "chosen": "ü", "rejected": "😀"}\n');
      expect(await readPreferences(good)).toEqual([{ prompt: "é", chosen: "ü", rejected: "😀" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
