// Saving and loading an actor-critic: CleanRL's state_dict names, read back by the independent safetensors decoder, and a round trip.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeSafetensors, key, type nn, type Tensor } from "../../src/index.js";
import { actorCritic, box, discrete, loadAgent, saveAgent, type AgentParams } from "../../src/rl/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-agent-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("saveAgent / loadAgent", () => {
  it("writes a Gaussian agent as critic.*, actor_mean.* and actor_logstd, and loads the same numbers back", async () => {
    const agent = actorCritic({ observationSpace: box(-1, 1, [3]), actionSpace: box(-2, 2, [1]) });
    const params = agent.init(key(4));
    const file = join(dir, "pendulum.safetensors");
    await saveAgent(file, agent, { ...params, logStd: params.logStd!.add(-0.5) }, { "rl.env": "Pendulum-v1" });
    const raw = decodeSafetensors(readFileSync(file));
    expect(Object.keys(raw.tensors)).toContain("actor_logstd");
    expect(Object.keys(raw.tensors)).toContain("actor_mean.4.weight");
    expect(raw.tensors["critic.4.weight"]!.shape).toEqual([1, 64]);
    expect(raw.metadata).toMatchObject({ "rl.env": "Pendulum-v1", "rl.hidden": "64,64" });
    const back = await loadAgent(file, agent);
    expect(back.params.logStd!.tolist()).toEqual([[-0.5]]);
    const lastWeight = (p: AgentParams) => Array.from(((p.actor["4"] as nn.Params).weight as Tensor).dataSync());
    expect(lastWeight(back.params)).toEqual(lastWeight(params));
  });

  it("refuses a checkpoint of another architecture, naming the entries that do not fit", async () => {
    const small = actorCritic({ observationSpace: box(-1, 1, [4]), actionSpace: discrete(2), hidden: [8] });
    const file = join(dir, "small.safetensors");
    await saveAgent(file, small, small.init(key(0)));
    const big = actorCritic({ observationSpace: box(-1, 1, [4]), actionSpace: discrete(2) });
    await expect(loadAgent(file, big)).rejects.toMatchObject({ _tag: "CheckpointError" });
  });
});
