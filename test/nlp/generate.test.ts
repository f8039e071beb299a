// generate / generateBatch: greedy tokens equal the PyTorch reference's, KV cache changes nothing, sampling is keyed, stop and unsubscribe end it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { firstValueFrom, lastValueFrom, take, toArray, queueScheduler } from "rxjs";
import { key, decodeSafetensors, gpt, loadGpt2StateDict, generate, generateBatch, type CausalLm } from "../../src/index.js";
import { fromJson, type TensorJson } from "../_harness.js";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const fx = JSON.parse(readFileSync(here("../fixtures/gpt.json"), "utf8")) as { prompt: TensorJson; greedy: TensorJson };
const module = gpt({ vocabSize: 50, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 4 });
const file = decodeSafetensors(new Uint8Array(readFileSync(here("../fixtures/gpt/gpt2_tiny.safetensors"))));
const lm: CausalLm = { module, params: loadGpt2StateDict(module, file.tensors).params };
const prompts = fromJson(fx.prompt).tolist() as number[][];
const greedy = fromJson(fx.greedy).tolist() as number[][];
const all = <T>(o: import("rxjs").Observable<T>): Promise<T[]> => lastValueFrom(o.pipe(toArray()));
const sync = { scheduler: queueScheduler };

describe("generate", () => {
  it("greedy decoding gives the reference model's tokens, with and without the KV cache", async () => {
    for (const [i, p] of prompts.entries()) {
      expect(await all(generate(lm, p, { maxTokens: 8, temperature: 0, ...sync }))).toEqual(greedy[i]);
      expect(await all(generate(lm, p, { maxTokens: 8, temperature: 0, kvCache: false, ...sync }))).toEqual(greedy[i]);
    }
  });

  it("batched prompts of different lengths give each prompt's own tokens", async () => {
    const short = prompts[1]!.slice(2);
    const steps = await all(generateBatch(lm, [prompts[0]!, short], { maxTokens: 6, temperature: 0, ...sync }));
    const alone = await all(generate(lm, short, { maxTokens: 6, temperature: 0, ...sync }));
    expect(steps.map((s) => s[0])).toEqual(greedy[0]!.slice(0, 6));
    expect(steps.map((s) => s[1])).toEqual(alone);
  });

  it("sampling is reproducible from its key, identical with and without the cache, and topK 1 is greedy", async () => {
    const o = { maxTokens: 10, temperature: 1.5, topK: 20, topP: 0.9, key: key(7), ...sync };
    const a = await all(generate(lm, prompts[0]!, o));
    expect(await all(generate(lm, prompts[0]!, { ...o, kvCache: false }))).toEqual(a);
    expect(await all(generate(lm, prompts[0]!, { ...o, key: key(8) }))).not.toEqual(a);
    expect(await all(generate(lm, prompts[0]!, { maxTokens: 8, topK: 1, ...sync }))).toEqual(greedy[0]);
  });

  it("a stop token ends the sequence without being emitted; unsubscribing stops the work", async () => {
    const stopAt = greedy[0]![3]!;
    const upTo = greedy[0]!.slice(0, greedy[0]!.indexOf(stopAt));
    expect(await all(generate(lm, prompts[0]!, { maxTokens: 8, temperature: 0, stop: [stopAt], ...sync }))).toEqual(upTo);
    let calls = 0;
    const counting: CausalLm = { params: lm.params, module: { ...module, forward: (p, x, o) => (calls++, module.forward(p, x, o)) } };
    expect(await firstValueFrom(generate(counting, prompts[0]!, { maxTokens: 100, temperature: 0 }).pipe(take(2), toArray()))).toEqual(greedy[0]!.slice(0, 2));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(2);
  });

  it("a prompt longer than the context keeps its last nPositions tokens", async () => {
    const long = Array.from({ length: 20 }, (_, i) => (i * 7) % 50);
    const a = await all(generate(lm, long, { maxTokens: 4, temperature: 0, ...sync }));
    expect(a).toEqual(await all(generate(lm, long.slice(-16), { maxTokens: 4, temperature: 0, ...sync })));
    expect(await all(generate(lm, long, { maxTokens: 4, temperature: 0, kvCache: false, ...sync }))).toEqual(a);
  });

  it("bad options are named", () => {
    expect(() => generate(lm, [1], { maxTokens: 3 })).toThrow(/sampling \(temperature 1\) needs a key/);
    expect(() => generate(lm, [], { maxTokens: 3, temperature: 0 })).toThrow(/at least one token/);
    expect(() => generate(lm, [60], { maxTokens: 3, temperature: 0 })).toThrow(/token id 60 is outside the vocabulary 0…50/);
    expect(() => generate(lm, [1], { maxTokens: 3, topP: 1.5, key: key(0) })).toThrow(/topP must be in \(0, 1\]/);
  });
});
