// Flatten and Unflatten layers (torch.nn.Flatten / torch.nn.Unflatten): reshapes that keep every element.
import type { Tensor } from "../ops/Tensor.js";
import { flatten as flattenOp, reshape } from "../ops/layout.js";
import { normAxis, numel, shapeStr, type Shape } from "../ops/_shape.js";
import { defineModule, type Module } from "./Module.js";
import { pyTuple } from "./_pyrepr.js";

/**
 * Flattens dimensions startDim..endDim (default 1..-1: everything but the batch), as torch.nn.Flatten.
 * @example
 * nn.sequential([nn.flatten(), nn.linear({ inFeatures: 784, outFeatures: 10 })]);
 */
export const flatten = ({ startDim = 1, endDim = -1 }: { startDim?: number; endDim?: number } = {}): Module =>
  defineModule({
    kind: "Flatten",
    config: { startDim, endDim },
    extraRepr: `start_dim=${startDim}, end_dim=${endDim}`,
    forward: (_ctx, x: Tensor) => flattenOp(x, startDim, endDim),
  });

/**
 * Expands dimension `dim` into `unflattenedSize` (one entry may be -1), as torch.nn.Unflatten.
 * @example
 * nn.unflatten({ dim: 1, unflattenedSize: [1, 28, 28] }); // [N, 784] → [N, 1, 28, 28]
 */
export const unflatten = ({ dim, unflattenedSize }: { dim: number; unflattenedSize: Shape }): Module => {
  if (!Number.isInteger(dim)) throw new Error(`Unflatten: dim must be an integer, got ${String(dim)}`);
  if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((d) => Number.isInteger(d) && d >= -1))
    throw new Error(`Unflatten: unflattenedSize must be a non-empty list of integers, got ${JSON.stringify(unflattenedSize)}`);
  return defineModule({
    kind: "Unflatten",
    config: { dim, unflattenedSize },
    extraRepr: `dim=${dim}, unflattened_size=${pyTuple(unflattenedSize)}`,
    forward: ({ fail }, x: Tensor) => {
      const d = normAxis("Unflatten", dim, x.ndim);
      const known = numel(unflattenedSize.filter((s) => s !== -1));
      const size = x.shape[d]!;
      if (unflattenedSize.includes(-1) ? known === 0 || size % known !== 0 : known !== size)
        fail(`unflattenedSize ${shapeStr(unflattenedSize)} does not fit dimension ${dim} of size ${size} (input shape ${shapeStr(x.shape)})`);
      return reshape(x, [...x.shape.slice(0, d), ...unflattenedSize, ...x.shape.slice(d + 1)]);
    },
  });
};
