// Curriculum section "强化学习" (reinforcement learning): an agent learns by trial and error from delayed rewards —
// first a table of action values on a small grid world (Q-learning, the textbook's first step), then a neural policy
// trained with PPO to balance CartPole-v1 (the algorithm the notes' RLHF section ends with).
//
// In rivulet an agent's life is a stream: environments emit transitions, `rollouts` are windows over them, advantages
// (GAE) and the PPO update are operators, and each update's metrics flow on to whatever subscribes (here: console.log).
import { lastValueFrom, tap } from "rxjs";
import {
  key, qLearning, gridWorld, greedyAction, parseGrid, DEFAULT_GRID, ppo, ppoEnvs, actingPolicy, act, cartPole, recordEpisodeStatistics,
} from "../src/index.js";

const quick = process.argv.includes("--quick");

// ── 1. Tabular Q-learning ────────────────────────────────────────────────────────────────────────────────────
// The grid world: walk from S to G around the walls (#); every step costs −1, so the best policy is the shortest path.
// Q(s, a) estimates the discounted return of taking a in s and acting well afterwards; each step nudges it towards
// r + γ·max Q(s', ·). Exploration is ε-greedy: one step in five is random.
console.log("Grid world:\n" + DEFAULT_GRID.map((row) => "  " + row).join("\n"));
const grid = parseGrid(DEFAULT_GRID);
const tabular = await lastValueFrom(
  qLearning({ env: gridWorld(), key: key(0), episodes: quick ? 300 : 1000, alpha: 0.5, epsilon: 0.2 }).pipe(
    tap((e) => (e.episode + 1) % (quick ? 100 : 250) === 0 && console.log(`  episode ${e.episode + 1}: return ${e.return}, ${e.length} steps`)),
  ),
);
// The greedy policy read off the table, one arrow per free cell.
const arrows = "↑→↓←";
const policy = DEFAULT_GRID.map((row, r) =>
  [...row].map((c, col) => (c === "#" || c === "G" ? c : arrows[greedyAction(tabular.q, 4, r * grid.cols + col)])).join(""));
console.log("Greedy policy:\n" + policy.map((row) => "  " + row).join("\n"));
// Follow it from S: it must reach G in the 6 steps of the shortest path.
const walk = gridWorld();
let cell = walk.reset(key(1));
let steps = 0;
for (;;) {
  const r = walk.step(greedyAction(tabular.q, 4, cell));
  cell = r.observation;
  steps++;
  if (r.terminated || r.truncated) break;
}
console.log(`Following it from S takes ${steps} steps.`);
if (steps !== 6) throw new Error(`Q-learning's greedy policy takes ${steps} steps, the shortest path 6`);

// ── 2. PPO on CartPole-v1 ────────────────────────────────────────────────────────────────────────────────────
// Push a cart left or right to keep a pole upright; +1 per step, at most 500 steps. Four copies of the environment
// run side by side (`ppoEnvs` also records each episode's return). Every update: collect 128 steps from each copy
// with the acting policy (a snapshot of the weights), compute advantages with GAE(γ = 0.99, λ = 0.95), then take
// 4 epochs × 4 minibatches of clipped-surrogate gradient steps; CleanRL's ppo.py defaults throughout.
const totalTimesteps = quick ? 2048 : 500_000;
const { envs } = ppoEnvs("CartPole-v1", { numEnvs: 4 });
const returns: number[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const last = await lastValueFrom(
  ppo({ envs, key: key(1), totalTimesteps }).pipe(
    tap((m) => {
      returns.push(...m.episodes.map((e) => e.return));
      if (m.iteration % (quick ? 2 : 50) === 0)
        console.log(`  update ${m.iteration}/${m.num_iterations}: ${m.env_steps} steps, mean return (last 20) ${mean(returns.slice(-20)).toFixed(1)}, ` +
          `entropy ${m.entropy.toFixed(3)}, approx KL ${m.approx_kl.toExponential(1)}, ${m.sps.toFixed(0)} steps/s`);
    }),
  ),
);
console.log(`After ${last.env_steps} steps: mean return of the last 20 episodes ${mean(returns.slice(-20)).toFixed(1)} (solved: ≥ 475).`);

// Play one episode with the trained policy, always taking its most likely action.
const test = recordEpisodeStatistics(cartPole());
const snapshot = actingPolicy(last.agent, last.params);
let obs = test.reset(key(99));
for (let t = 0; ; t++) {
  const r = test.step(act(snapshot, obs, key(t), { greedy: true }).actions[0] as number);
  obs = r.observation;
  if (r.info.episode) {
    console.log(`A greedy episode with the trained policy lasts ${r.info.episode.length} steps.`);
    break;
  }
}
