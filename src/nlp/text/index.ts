// Public face of src/nlp/text: text files as datasets, tokenizing, windows and padded batches.
export { findFiles } from "./findFiles.js";
export { textDataset, type TextDataset, type TextDatasetOptions } from "./textDataset.js";
export { tokenize } from "./tokenize.js";
export { windows, windowDataset } from "./windows.js";
export { padCollate, type PaddedBatch, type PadCollateOptions } from "./padCollate.js";
