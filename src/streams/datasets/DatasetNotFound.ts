// The tagged error for a dataset whose files are nowhere to be found, with a hint saying how to get them.
import { Data } from "effect";

/** A dataset's files are missing: which dataset, every place looked in, and how to get the files. */
export class DatasetNotFound extends Data.TaggedError("DatasetNotFound")<{
  readonly dataset: string;
  readonly searched: readonly string[];
  readonly hint: string;
  readonly message: string;
}> {}

/** Builds a DatasetNotFound whose message names the dataset, the places searched and the hint. */
export const datasetNotFound = (dataset: string, searched: readonly string[], hint: string): DatasetNotFound =>
  new DatasetNotFound({
    dataset,
    searched,
    hint,
    message: `${dataset} not found (looked in ${searched.length === 0 ? "no place" : searched.join(", ")}). ${hint}`,
  });
