// Loads test/fixtures/optim.json (written by gen_optim.py): torch.optim trajectories and lr_scheduler sequences.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tensor, type Tensor } from "../../src/index.js";

export interface Trajectory {
  readonly name: string;
  /** The params (all leaves flattened in path order) after each step. */
  readonly steps: number[][];
  /** clip_grad_norm_'s return value at each step, for the clipping cases. */
  readonly totalNorms?: number[];
}

export interface OptimFixtures {
  readonly params: { path: string; shape: number[]; data: number[] }[];
  readonly grads: number[][];
  readonly mlp: { x: number[]; y: number[] };
  readonly trajectories: Trajectory[];
  readonly schedules: { name: string; lrs: number[] }[];
}

export const fixtures = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/optim.json", import.meta.url)), "utf8")) as OptimFixtures;

/** The MLP params as rivulet holds them: [{ weight, bias }, { weight, bias }], paths 0.weight … 1.bias. */
export interface Layer { readonly weight: Tensor; readonly bias: Tensor }
export type Params = readonly [Layer, Layer];

/** Splits a flat vector (leaves in path order) into the params tree. */
export const unflat = (flat: readonly number[]): Params => {
  let offset = 0;
  const t = fixtures.params.map(({ shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tensor(Float32Array.from(flat.slice(offset, offset + n)), { shape });
    offset += n;
    return x;
  });
  return [{ weight: t[0]!, bias: t[1]! }, { weight: t[2]!, bias: t[3]! }];
};

export const initialParams = (): Params => unflat(fixtures.params.flatMap((p) => p.data));
