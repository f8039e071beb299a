// `rivulet rl` and `rivulet rl eval` in process: one PPO update on CartPole, its TensorBoard scalars, checkpoint and JSON line, and usage errors.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeSafetensors } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/CliIo.js";
import { eventFiles, readEvents } from "../sinks/tensorboard/_eventReader.js";

const inProcess = async (args: readonly string[]) => {
  let [stdout, stderr] = ["", ""];
  const io: CliIo = { out: (l) => void (stdout += `${l}\n`), err: { isTTY: false, write: (s: string) => void (stderr += s) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
};

const dir = mkdtempSync(join(tmpdir(), "rivulet-rl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("rivulet rl", () => {
  it("trains (one update), logs CleanRL's scalars, saves the agent, prints the JSON summary; rl eval plays it", async () => {
    const logdir = join(dir, "run");
    const r = await inProcess(["rl", "--env", "cartpole", "--seed", "3", "--total-timesteps", "512", "--logdir", logdir, "--json"]);
    expect(r.stderr).toContain("CartPole-v1 ppo  update 1/1  steps 512");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim());
    expect(summary).toMatchObject({ env: "CartPole-v1", algo: "ppo", seed: 3, env_steps: 512, checkpoint: join(logdir, "agent.safetensors") });
    // A random CartPole policy lasts about 22 steps: 512 steps in 4 copies finish some 20 episodes.
    expect(summary.episodes).toBeGreaterThan(8);
    expect(summary.mean_return).toBeGreaterThan(8);
    expect(summary.mean_return).toBeLessThan(100);

    const events = eventFiles(logdir).flatMap(readEvents);
    const values = events.flatMap((e) => (e.summary?.value ?? []).map((v: { tag: string; simple_value: number }) => [v.tag, v.simple_value, Number(e.step)] as const));
    const tags = new Set(values.map(([t]) => t));
    for (const t of ["charts/episodic_return", "charts/episodic_length", "charts/learning_rate", "charts/sps", "losses/value_loss", "losses/policy_loss",
      "losses/entropy", "losses/approx_kl", "losses/clip_fraction", "losses/explained_variance"]) expect(tags, t).toContain(t);
    const entropy = values.find(([t]) => t === "losses/entropy")!;
    expect(entropy[1]).toBeGreaterThan(0.6); // near log 2 for a fresh policy
    expect(entropy[2]).toBe(512);

    const file = decodeSafetensors(readFileSync(summary.checkpoint));
    expect(Object.keys(file.tensors).sort()).toEqual(["actor.0.bias", "actor.0.weight", "actor.2.bias", "actor.2.weight", "actor.4.bias", "actor.4.weight",
      "critic.0.bias", "critic.0.weight", "critic.2.bias", "critic.2.weight", "critic.4.bias", "critic.4.weight"]);
    expect(file.tensors["actor.4.weight"]!.shape).toEqual([2, 64]);
    expect(file.metadata).toMatchObject({ "rl.env": "CartPole-v1", "rl.algo": "ppo", "rl.env_steps": "512" });

    const e = await inProcess(["rl", "eval", "--checkpoint", summary.checkpoint, "--episodes", "2", "--json"]);
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.stdout.trim());
    expect(ev).toMatchObject({ env: "CartPole-v1", episodes: 2 });
    expect(ev.returns.length).toBe(2);
    for (const x of ev.returns) expect(x).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it("--algo dqn trains CleanRL's Q-network, saves it, and rl eval plays it greedily", async () => {
    const logdir = join(dir, "dqn");
    const r = await inProcess(["rl", "--algo", "dqn", "--total-timesteps", "2000", "--logdir", logdir, "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim());
    expect(summary).toMatchObject({ env: "CartPole-v1", algo: "dqn", env_steps: 2000 });
    const file = decodeSafetensors(readFileSync(summary.checkpoint));
    expect(file.tensors["0.weight"]!.shape).toEqual([120, 4]);
    expect(file.tensors["4.weight"]!.shape).toEqual([2, 84]);
    const tags = new Set(eventFiles(logdir).flatMap(readEvents).flatMap((e) => (e.summary?.value ?? []).map((v: { tag: string }) => v.tag)));
    for (const t of ["charts/episodic_return", "losses/td_loss", "losses/q_values", "charts/epsilon", "charts/sps"]) expect(tags, t).toContain(t);
    const e = await inProcess(["rl", "eval", "--checkpoint", summary.checkpoint, "--episodes", "1", "--json"]);
    expect(JSON.parse(e.stdout.trim())).toMatchObject({ env: "CartPole-v1", episodes: 1 });
    const bad = await inProcess(["rl", "--algo", "dqn", "--env", "pendulum"]);
    expect(bad.stderr).toContain("--algo: dqn needs discrete actions; Pendulum-v1 has continuous ones (use --algo ppo)");
  }, 60_000);

  it("names the bad option and what it accepts", async () => {
    const bad = await inProcess(["rl", "--env", "cartpol"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--env: unknown environment "cartpol" (did you mean "cartpole"?); expected one of: cartpole, acrobot, mountaincar, pendulum');
    const short = await inProcess(["rl", "--total-timesteps", "100"]);
    expect(short.stderr).toContain("--total-timesteps: 100 is less than one rollout (128 steps × 4 envs = 512)");
    const noCkpt = await inProcess(["rl", "eval"]);
    expect(noCkpt.code).toBe(2);
    expect(noCkpt.stderr).toContain("--checkpoint: rl eval needs the agent to play");
    const help = await inProcess(["rl", "--help"]);
    expect(help.stdout).toContain("usage: rivulet rl [options]");
    expect((await inProcess(["--help"])).stdout).toMatch(/\n  rl +train a reinforcement-learning agent/);
  });
});
