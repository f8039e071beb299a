// Tabular Q-learning finds the grid world's optimal (shortest-path) policy.
import { describe, expect, it } from "vitest";
import { lastValueFrom } from "rxjs";
import { key } from "../../src/index.js";
import { DEFAULT_GRID, cartPole, greedyAction, gridMove, gridWorld, parseGrid, qLearning, type Env } from "../../src/rl/index.js";

/** Shortest-path distances to the goal by breadth-first search over reversed moves. */
const distances = (map: readonly string[]): Map<number, number> => {
  const g = parseGrid(map);
  const dist = new Map([[g.goal, 0]]);
  let frontier = [g.goal];
  while (frontier.length) {
    const next: number[] = [];
    for (let s = 0; s < g.rows * g.cols; s++)
      if (!g.walls.has(s) && !dist.has(s))
        for (let a = 0; a < 4; a++) {
          const to = gridMove(g, s, a);
          if (frontier.includes(to)) { dist.set(s, dist.get(to)! + 1); next.push(s); break; }
        }
    frontier = next;
  }
  return dist;
};

describe("qLearning", () => {
  it("learns the optimal policy of the grid world: from every state the greedy action shortens the path by one", async () => {
    const g = parseGrid(DEFAULT_GRID);
    const last = await lastValueFrom(qLearning({ env: gridWorld(), key: key(0), episodes: 400, alpha: 0.5, epsilon: 0.2 }));
    const dist = distances(DEFAULT_GRID);
    expect(dist.get(g.start)).toBe(6);
    for (const [s, d] of dist) {
      if (s === g.goal) continue;
      expect(dist.get(gridMove(g, s, greedyAction(last.q, 4, s)))).toBe(d - 1);
      // With reward −1 per step and γ = 0.99, the optimal value is −(1 − γ^d)/(1 − γ).
      expect(Math.max(...last.q.slice(s * 4, s * 4 + 4))).toBeCloseTo(-(1 - 0.99 ** d) / 0.01, 1);
    }
  });

  it("refuses environments without Discrete observations", async () => {
    await expect(lastValueFrom(qLearning({ env: cartPole() as unknown as Env<number, number>, key: key(0), episodes: 1 }))).rejects.toThrow(
      "qLearning: needs Discrete observation and action spaces; CartPole-v1 has box observations and discrete actions",
    );
  });
});
