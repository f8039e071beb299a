// A small deterministic grid world for tabular methods: walk from S to G around walls, −1 per step (the textbook's first MDP).
import { discrete } from "../spaces.js";
import { defineEnv, type Dynamics, type Env } from "../Env.js";
import { timeLimit } from "../wrappers/timeLimit.js";

/** The default map: S start, G goal, # wall, . free. */
export const DEFAULT_GRID: readonly string[] = ["S..#", ".#..", "...#", "#..G"];

/** Moves of actions 0–3: up, right, down, left. */
const MOVES: readonly (readonly [number, number])[] = [[-1, 0], [0, 1], [1, 0], [0, -1]];

/** A parsed grid: its size, walls, start and goal cells (cells are numbered row by row). */
export interface Grid {
  readonly rows: number;
  readonly cols: number;
  readonly walls: ReadonlySet<number>;
  readonly start: number;
  readonly goal: number;
}

/** Parses a map of equal-length rows of `S`, `G`, `#` and `.`; exactly one S and one G. */
export const parseGrid = (map: readonly string[]): Grid => {
  const rows = map.length;
  const cols = map[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new Error("gridWorld: the map is empty");
  const walls = new Set<number>();
  let start = -1;
  let goal = -1;
  map.forEach((line, r) => {
    if (line.length !== cols) throw new Error(`gridWorld: map row ${r} has ${line.length} cells, row 0 has ${cols}`);
    [...line].forEach((c, col) => {
      const cell = r * cols + col;
      if (c === "#") walls.add(cell);
      else if (c === "S") start = start === -1 ? cell : -2;
      else if (c === "G") goal = goal === -1 ? cell : -2;
      else if (c !== ".") throw new Error(`gridWorld: map row ${r} column ${col} is "${c}"; expected one of S G # .`);
    });
  });
  if (start < 0 || goal < 0) throw new Error(`gridWorld: the map needs exactly one S and one G`);
  return { rows, cols, walls, start, goal };
};

/** The cell reached from `cell` by `action` (walls and edges block the move). */
export const gridMove = (grid: Grid, cell: number, action: number): number => {
  const [dr, dc] = MOVES[action]!;
  const r = Math.floor(cell / grid.cols) + dr;
  const c = (cell % grid.cols) + dc;
  if (r < 0 || r >= grid.rows || c < 0 || c >= grid.cols) return cell;
  const next = r * grid.cols + c;
  return grid.walls.has(next) ? cell : next;
};

/** The grid world's dynamics: observation = the cell number, reward −1 per step, terminal at G. */
export const gridWorldDynamics = (grid: Grid): Dynamics<number, number, number> => ({
  id: "GridWorld",
  observationSpace: discrete(grid.rows * grid.cols),
  actionSpace: discrete(4),
  resetUniforms: 0,
  initial: () => grid.start,
  transition: (cell, action) => {
    const next = gridMove(grid, cell, action);
    return { state: next, reward: -1, terminated: next === grid.goal };
  },
  observe: (cell) => cell,
});

export interface GridWorldOptions {
  /** Rows of S (start), G (goal), # (wall) and . (free); default `DEFAULT_GRID`. */
  readonly map?: readonly string[];
  readonly maxEpisodeSteps?: number;
}

/**
 * A deterministic grid world: observations are cell numbers, actions 0–3 move up/right/down/left; truncated after 100 steps.
 * @example
 * const env = gridWorld({ map: ["S.", ".G"] });
 */
export const gridWorld = ({ map = DEFAULT_GRID, maxEpisodeSteps = 100 }: GridWorldOptions = {}): Env<number, number> =>
  timeLimit(defineEnv(gridWorldDynamics(parseGrid(map))), maxEpisodeSteps);
