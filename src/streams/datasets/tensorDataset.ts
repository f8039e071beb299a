// torch.utils.data.TensorDataset: sample i is the i-th row (first-axis slice) of each tensor.
import { Tensor } from "../../ops/Tensor.js";
import { select } from "../../ops/slicing.js";
import type { Dataset } from "../Dataset.js";

/** A dataset over tensors sharing their first dimension; `tensors` are the originals. */
export interface TensorDataset<T extends readonly Tensor[]> extends Dataset<{ readonly [K in keyof T]: Tensor }> {
  readonly tensors: T;
  get(index: number): { readonly [K in keyof T]: Tensor };
}

const shapeStr = (t: Tensor): string => `[${t.shape.join(", ")}]`;

/**
 * Wraps tensors whose first dimensions agree; sample i is `[t0[i], t1[i], ...]` (negative indices count from the end).
 * @example
 * const { features, labels } = syntheticData(key(0), tensor([2, -3.4]), 4.2, 1000);
 * const ds = tensorDataset(features, labels); // ds.get(0) → [features[0] (shape [2]), labels[0] (shape [1])]
 */
export const tensorDataset = <const T extends readonly Tensor[]>(...tensors: T): TensorDataset<T> => {
  if (tensors.length === 0) throw new Error("tensorDataset: needs at least one tensor");
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`tensorDataset: argument ${i} is not a Tensor`);
    if (t.ndim === 0) throw new Error(`tensorDataset: tensor ${i} is zero-dimensional; every tensor needs a first dimension to index`);
  });
  const length = tensors[0]!.shape[0]!;
  if (tensors.some((t) => t.shape[0] !== length))
    throw new Error(
      `tensorDataset: size mismatch between tensors: first dimensions ${tensors.map((t, i) => `tensor ${i} ${shapeStr(t)}`).join(", ")} must all be equal`,
    );
  return {
    tensors,
    length,
    get: (index) => {
      if (!Number.isInteger(index) || index < -length || index >= length)
        throw new Error(`tensorDataset: index ${index} is out of range for a dataset of length ${length}`);
      return tensors.map((t) => select(t, 0, index)) as unknown as { readonly [K in keyof T]: Tensor };
    },
  };
};
