// Subsets of a dataset (torch.utils.data.Subset, random_split, ConcatDataset): views by index, no copying.
import type { Dataset } from "../Dataset.js";
import { randperm, type Key } from "../../ops/random.js";

/**
 * The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset); indices are checked up front.
 * @example
 * const firstThousand = subset(train, Array.from({ length: 1000 }, (_, i) => i));
 */
export const subset = <T>(dataset: Dataset<T>, indices: readonly number[]): Dataset<T> => {
  const bad = indices.findIndex((i) => !Number.isInteger(i) || i < -dataset.length || i >= dataset.length);
  if (bad >= 0) throw new Error(`subset: index ${indices[bad]} (position ${bad}) is out of range for a dataset of ${dataset.length} samples`);
  const at = Object.freeze(indices.map((i) => (i < 0 ? i + dataset.length : i)));
  return {
    length: at.length,
    get: (i) => {
      if (!Number.isInteger(i) || i < 0 || i >= at.length) throw new Error(`subset: index ${i} is out of range for a subset of ${at.length} samples`);
      return dataset.get(at[i]!);
    },
  };
};

/**
 * Splits `dataset` into non-overlapping random subsets of the given lengths (torch.utils.data.random_split); lengths
 * may also be fractions summing to 1, rounded as PyTorch does (remainders go to the first splits, one each).
 * @example
 * const [train, valid] = randomSplit(data, [0.8, 0.2], key(0));
 */
export const randomSplit = <T>(dataset: Dataset<T>, lengths: readonly number[], k: Key): Dataset<T>[] => {
  const n = dataset.length;
  const fractions = lengths.every((l) => l >= 0 && l <= 1) && Math.abs(lengths.reduce((a, b) => a + b, 0) - 1) < 1e-9 && lengths.some((l) => !Number.isInteger(l));
  let sizes = lengths.map((l) => (fractions ? Math.floor(n * l) : l));
  if (fractions) {
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    sizes = sizes.map((s, i) => s + (i < remainder ? 1 : 0));
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, b) => a + b, 0) !== n)
    throw new Error(`randomSplit: lengths [${lengths.join(", ")}] must be non-negative integers summing to the dataset's ${n} samples, or fractions summing to 1`);
  const perm = Array.from(randperm(k, n).dataSync());
  let at = 0;
  return sizes.map((s) => subset(dataset, perm.slice(at, (at += s))));
};

/**
 * The samples of several datasets one after another (torch.utils.data.ConcatDataset).
 * @example
 * const all = concatDatasets([train, extra]);
 */
export const concatDatasets = <T>(datasets: readonly Dataset<T>[]): Dataset<T> => {
  const starts: number[] = [];
  let total = 0;
  for (const d of datasets) {
    starts.push(total);
    total += d.length;
  }
  return {
    length: total,
    get: (i) => {
      if (!Number.isInteger(i) || i < 0 || i >= total) throw new Error(`concatDatasets: index ${i} is out of range for ${total} samples`);
      let d = starts.length - 1;
      while (starts[d]! > i) d--;
      return datasets[d]!.get(i - starts[d]!);
    },
  };
};
