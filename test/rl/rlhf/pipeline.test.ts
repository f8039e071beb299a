// RLHF's stages on tiny models: the value-head and reward models' names and outputs, reward-model training, PPO raising a
// known reward, DPO fitting its pairs, and the whole pipeline end to end on a corpus slice.
import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { tensor, key, nn, type Tensor } from "../../../src/index.js";
import type { Params } from "../../../src/nn/Module.js";
import { gpt, type GptConfig } from "../../../src/nlp/models/gpt.js";
import {
  gptWithValueHead, gptRewardModel, trainRewardModel, ppoRlhf, trainDpo, rlhfPipeline, keywordPreference, letterPreference, type TokenPair, type RewardInput,
} from "../../../src/rl/rlhf/index.js";

const config: GptConfig = { vocabSize: 12, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2 };

describe("models", () => {
  it("the value-head model keeps GPT-2's names, adds v_head.summary, and its logits are the LM's", () => {
    const lm = gpt(config);
    const policy = gptWithValueHead(config);
    const vars = policy.init(key(0));
    const names = Object.keys(nn.stateDict(policy, vars));
    expect(names).toContain("transformer.h.0.attn.c_attn.weight");
    expect(names).toContain("v_head.summary.weight");
    expect(names).toContain("v_head.summary.bias");
    const ids = tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: "int32" });
    const out = policy.forward(vars.params, ids);
    const ref = lm.forward({ transformer: vars.params.transformer! } as Params, ids);
    expect(out.logits.tolist()).toEqual(ref.logits.tolist());
    expect(out.values.shape).toEqual([2, 4]);
  });

  it("the reward model reads each row's last real token, so right padding changes nothing", () => {
    const rm = gptRewardModel(config);
    const vars = rm.init(key(1));
    expect(Object.keys(nn.stateDict(rm, vars))).toContain("score.weight");
    expect(Object.keys(nn.stateDict(rm, vars))).not.toContain("score.bias");
    const padded = rm.forward(vars.params, { ids: tensor([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]], { dtype: "int32" }), attentionMask: tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], { dtype: "int32" }) });
    const alone = rm.forward(vars.params, { ids: tensor([[1, 2, 3]], { dtype: "int32" }) });
    expect(padded.shape).toEqual([2]);
    expect((padded.dataSync() as Float32Array)[0]).toBeCloseTo((alone.dataSync() as Float32Array)[0]!, 5);
    expect(() => rm.forward(vars.params, { ids: tensor([[1, 2]], { dtype: "int32" }), attentionMask: tensor([[1, 1, 1]], { dtype: "int32" }) })).toThrow(/attentionMask has shape \[1, 3\], ids \[1, 2\]/);
  });
});

// Pairs whose chosen response repeats token 9 and whose rejected one never has it.
const pairsOf = (n: number): TokenPair[] =>
  Array.from({ length: n }, (_, i) => {
    const prompt = [1 + (i % 4), 2];
    const chosen = [9, 3 + (i % 3), 9, 4];
    const rejected = [3 + (i % 3), 4, 5 + (i % 2), 4];
    return { prompt, chosen, rejected, text: { prompt: "", chosen: "", rejected: "" } };
  });

describe("stages", () => {
  it("a reward model learns to rank held-out pairs", async () => {
    const rm = gptRewardModel(config);
    const steps = await lastValueFrom(trainRewardModel(rm, rm.init(key(2)).params, pairsOf(48), { epochs: 4, batchSize: 8, lr: 3e-3, validation: pairsOf(16).slice(8) }).pipe(toArray()));
    const epochEnds = steps.filter((s) => s.val_accuracy !== undefined);
    expect(epochEnds).toHaveLength(4);
    expect(epochEnds[3]!.val_accuracy).toBe(1);
    expect(steps[steps.length - 1]!.loss).toBeLessThan(steps[0]!.loss);
  });

  it("PPO raises a reward it can get, and the KL to the reference grows from 0", async () => {
    // A fixed reward: the fraction of token 7 in the sequence (a module, as a trained reward model would be).
    const rewardModel = nn.defineModule({ kind: "CountSevens", config: { vocabSize: 12 }, forward: (_ctx, { ids }: RewardInput): Tensor => ids.eq(7).astype("float32").mean(1).mul(10) });
    const policy = gptWithValueHead(config);
    const lm = gpt(config);
    const init = policy.init(key(3)).params;
    const reference = { module: lm, params: { transformer: init.transformer! } as Params };
    const prompts = [[1, 2], [3, 4], [5, 6], [2, 8]];
    const steps = await lastValueFrom(ppoRlhf({ policy, params: init, reference, rewardModel, rewardParams: {}, prompts, steps: 12, batchSize: 8, miniBatchSize: 4, responseTokens: 6, learningRate: 3e-3, key: key(4) }).pipe(toArray()));
    expect(steps[0]!.kl).toBeCloseTo(0, 5);
    const early = (steps[0]!.reward + steps[1]!.reward) / 2;
    const late = (steps[10]!.reward + steps[11]!.reward) / 2;
    expect(late).toBeGreaterThan(early * 2);
    expect(steps[11]!.kl).toBeGreaterThan(0);
    for (const s of steps) for (const v of [s.policy_loss, s.value_loss, s.entropy, s.clip_fraction, s.approx_kl]) expect(Number.isFinite(v)).toBe(true);
  });

  it("PPO refuses a reward model with another vocabulary (another tokenizer)", () => {
    const policy = gptWithValueHead(config);
    const rm = gptRewardModel({ ...config, vocabSize: 13 });
    const lm = gpt(config);
    expect(() => ppoRlhf({ policy, params: {}, reference: { module: lm, params: {} }, rewardModel: rm, rewardParams: {}, prompts: [[1]], steps: 1, key: key(0) })).toThrow(/must share one tokenizer; their vocabulary sizes are 12, 12 and 13/);
  });

  it("DPO ranks its training pairs by the implicit reward", async () => {
    const lm = gpt(config);
    const params = lm.init(key(5)).params;
    const steps = await lastValueFrom(trainDpo(lm, params, { module: lm, params }, pairsOf(32), { epochs: 6, batchSize: 8, lr: 3e-3, beta: 0.5 }).pipe(toArray()));
    expect(steps[0]!.loss).toBeCloseTo(Math.log(2), 4); // the policy starts as its reference
    expect(steps[steps.length - 1]!.loss).toBeLessThan(0.3);
    expect(steps[steps.length - 1]!.reward_accuracy).toBe(1);
  });
});

describe("labellers", () => {
  it("count words and letters", () => {
    expect(keywordPreference(["module", "class"])("A Module, a class; modules and subclass.")).toBe(2);
    expect(letterPreference()("def f(x): ✓ é")).toBe(6);
    expect(() => keywordPreference(["two words"])).toThrow(/expected one or more words/);
  });
});

describe("rlhfPipeline", () => {
  it("runs the three stages and DPO end to end on a corpus slice", async () => {
    const corpus = fileURLToPath(new URL("../../fixtures/text/python-docs-slice.txt", import.meta.url));
    const events = await lastValueFrom(
      rlhfPipeline({ corpus, vocabSize: 280, model: { nPositions: 24, nEmbd: 16, nLayer: 1, nHead: 2 }, pretrainEpochs: 1, promptTokens: 4, responseTokens: 6, pairPrompts: 48, evalPrompts: 8, rewardEpochs: 1, ppoSteps: 2, ppoBatchSize: 4, dpoEpochs: 1 }).pipe(toArray()),
    );
    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages).toEqual(["tokenizer", "pretrain", "pairs", "reward", "ppo", "dpo", "result"]);
    const result = events[events.length - 1]!;
    if (result.stage !== "result") throw new Error("no result");
    for (const v of [result.reward_before, result.reward_after, result.kl, result.dpo_reward_after, result.dpo_kl]) expect(Number.isFinite(v)).toBe(true);
    expect(result.kl_target).toBe(6);
    expect(result.samples_after.length).toBeGreaterThan(0);
  }, 120_000);

  it("says so when the corpus is too small for the prompts asked for", async () => {
    const corpus = fileURLToPath(new URL("../../fixtures/text/python-docs-slice.txt", import.meta.url));
    await expect(lastValueFrom(rlhfPipeline({ corpus, vocabSize: 280, model: { nPositions: 24, nEmbd: 16, nLayer: 1, nHead: 2 }, pretrainEpochs: 1, pairPrompts: 100_000 }))).rejects.toThrow(/need 100064 prompts/);
  }, 60_000);
});
