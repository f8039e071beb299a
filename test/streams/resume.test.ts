// Resume: k steps + checkpoint + load + N-k steps reaches the same bytes as N steps straight; bad checkpoints fail clearly.
import { Effect } from "effect";
import { describe, expect, it } from "vitest";
import { lastValueFrom, take, toArray } from "rxjs";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loader, trainStep, trainState, trainSteps, gradientAccumulation, adam, saveCheckpoint, loadCheckpoint, packCheckpoint, unpackCheckpoint,
  saveFile, treeLeavesWithPaths, flattenStateDict, tensor, type TrainState,
} from "../../src/index.js";
import { tinyData, tinyParams, tinyLoss } from "./_tiny.js";

const bytes = (tree: unknown) => treeLeavesWithPaths(tree).map(({ path, tensor }) => [path, tensor.dtype, [...tensor.shape], Buffer.from((tensor.dataSync() as Float32Array).slice().buffer).toString("hex")]);

describe("checkpoint and resume", () => {
  it("a run resumed from a checkpoint reaches bit-identical params (shuffled data, momentum, mid-epoch, mid-accumulation)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rivulet-resume-"));
    const opt = adam({ lr: 0.05 });
    const train = loader(tinyData(11), { batchSize: 2, shuffle: true, seed: 4 });
    const step = trainStep({ loss: tinyLoss, optimizer: opt });
    const s0 = trainState({ params: tinyParams(), optimizer: opt, seed: 9 });
    const run = (from: typeof s0, n?: number) =>
      lastValueFrom(train.epochs(3, { from: from.position }).pipe(gradientAccumulation(2), trainSteps(step, from), take(n ?? Infinity), toArray()));
    const straight = await run(s0);
    expect(straight).toHaveLength(18);
    // Stop after 7 batches: inside epoch 1 and halfway through an accumulation group.
    const first = await run(s0, 7);
    const mid = first[first.length - 1]!.state;
    expect(mid.position).toEqual({ epoch: 1, batch: 1 });
    expect(mid.accum).toBeDefined();
    const path = join(dir, "ckpt.safetensors");
    await Effect.runPromise(saveCheckpoint(path, mid));
    expect(readdirSync(dir)).toEqual(["ckpt.safetensors"]); // atomic: no temporary left
    const { state: restored } = await Effect.runPromise(loadCheckpoint<TrainState<typeof s0.params>>(path));
    expect(bytes(restored)).toEqual(bytes(mid));
    expect(restored.rng.words).toEqual(mid.rng.words);
    expect(restored.step).toBe(mid.step);
    const rest = await run(restored as typeof s0);
    expect(rest).toHaveLength(11);
    const end = rest[rest.length - 1]!.state;
    const ref = straight[straight.length - 1]!.state;
    expect(bytes(end.params)).toEqual(bytes(ref.params));
    expect(bytes(end.optState)).toEqual(bytes(ref.optState));
    expect(end.step).toBe(ref.step);
  });

  it("round-trips non-finite counters and rejects a checkpoint with bad or missing fields, naming the file and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rivulet-ckpt-"));
    const s = { ...trainState({ params: { w: tensor([1, 2]) }, optimizer: adam({ lr: 0.1 }) }), extra: { best: Infinity, note: "x" } };
    const content = packCheckpoint(s);
    expect((unpackCheckpoint(content).state as unknown as typeof s).extra).toEqual({ best: Infinity, note: "x" });
    const bad = (header: unknown) => ({ tensors: content.tensors, metadata: { "rivulet.checkpoint": JSON.stringify(header) } });
    const h = JSON.parse(content.metadata["rivulet.checkpoint"]!);
    expect(() => unpackCheckpoint(bad({ ...h, version: 2 }), {}, "a.safetensors")).toThrow('loadCheckpoint: a.safetensors: metadata "rivulet.checkpoint": field version: expected 1, got 2');
    const badStep = structuredClone(h);
    badStep.state.$r.step = 1.5;
    expect(() => unpackCheckpoint(bad(badStep), {}, "a.safetensors")).toThrow("field state.step: expected a non-negative integer, got 1.5");
    const badKey = structuredClone(h);
    badKey.state.$r.rng.$r.words = [1, -2];
    expect(() => unpackCheckpoint(bad(badKey), {}, "a.safetensors")).toThrow("field state.rng: expected a key { words: [two unsigned 32-bit integers] }");
    const missing = structuredClone(h);
    missing.state.$r.params.$r.w.$t = "params.v";
    expect(() => unpackCheckpoint(bad(missing), {}, "a.safetensors")).toThrow('a.safetensors: field state.params.w: refers to tensor "params.v", which the file does not hold');
    // A plain safetensors file is not a checkpoint.
    const plain = join(dir, "plain.safetensors");
    await saveFile(flattenStateDict({ w: tensor([1]) }), plain);
    await expect(Effect.runPromise(loadCheckpoint(plain))).rejects.toThrow(`${plain}: no "rivulet.checkpoint" entry`);
    // A truncated file fails in the safetensors reader, naming the file.
    const good = join(dir, "good.safetensors");
    await Effect.runPromise(saveCheckpoint(good, s));
    const cut = join(dir, "cut.safetensors");
    writeFileSync(cut, readFileSync(good).subarray(0, 50));
    await expect(Effect.runPromise(loadCheckpoint(cut))).rejects.toThrow(cut);
    expect(() => packCheckpoint({ ...s, extra: new Map() } as never)).toThrow("cannot save extra: Map");
  });
});
