// An environment as an Observable: transitions episode after episode, stopped by unsubscription, errors passed on.
import { describe, expect, it } from "vitest";
import { filter, firstValueFrom, lastValueFrom, take, toArray } from "rxjs";
import { key } from "../../src/index.js";
import { cartPole, gridWorld, transitions } from "../../src/rl/index.js";

describe("transitions", () => {
  it("emits each step with the observation acted on, and starts a new episode after the last step", async () => {
    const ts = await lastValueFrom(transitions(cartPole(), () => 1, key(0)).pipe(take(40), toArray()));
    expect(ts.length).toBe(40);
    const firstEnd = ts.findIndex((t) => t.terminated);
    expect(firstEnd).toBeGreaterThan(3);
    expect(ts[firstEnd + 1]!.episode).toBe(1);
    expect(ts[firstEnd + 1]!.step).toBe(1);
    expect(ts[1]!.previous).toEqual(ts[0]!.observation);
    expect(ts.every((t) => t.action === 1 && t.reward === 1)).toBe(true);
  });

  it("walks the grid world, and stops stepping when unsubscribed", async () => {
    let calls = 0;
    const goal = await firstValueFrom(transitions(gridWorld({ map: ["S.G"] }), () => (calls++, 1), key(0)).pipe(filter((t) => t.terminated)));
    expect(goal).toMatchObject({ observation: 2, step: 2, episode: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(2);
  });

  it("passes on the environment's error", async () => {
    await expect(lastValueFrom(transitions(cartPole(), () => 5, key(0)))).rejects.toThrow("CartPole-v1.step: action 5 is outside the action space Discrete(2)");
  });
});
