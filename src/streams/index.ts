// Public face of src/streams: datasets, loaders with backpressure, training as a stream, checkpoints, record and replay.
export type { Dataset, Sample } from "./Dataset.js";
export type { Image } from "./Image.js";
export { fromPull, pauseSource, deliver, type PullSource } from "./pull.js";
export { mapAsync } from "./mapAsync.js";
export { defaultCollate, type Collated } from "./collate.js";
export { loader, type Loader, type LoaderOptions, type LoaderBatch, type Position } from "./loader.js";
export { workerDataset, type DatasetRecipe, type RecreatableDataset, type Json } from "./workers.js";
export {
  trainStep, trainState, type TrainStepOptions, type TrainState, type TrainStateOptions, type Step, type StepOutput, type StepContext, type LossFn, type LossAux, type Accumulated,
} from "./trainStep.js";
export { trainSteps, type StepResult, type TrainStepsOptions } from "./trainSteps.js";
export { accumulate, accumulatorAdd, accumulatorMeans, emptyAccumulator, type Accumulator, type RunningAverage } from "./accumulate.js";
export { accuracy } from "./accuracy.js";
export { epochs, type EpochResult, type EpochOf } from "./epochs.js";
export { throughput, type ThroughputOptions } from "./throughput.js";
export { evaluate, evaluation } from "./evaluate.js";
export { gradientAccumulation } from "./gradientAccumulation.js";
export { schedule } from "./schedule.js";
export { earlyStopping, type EarlyStoppingOptions } from "./earlyStopping.js";
export {
  saveCheckpoint, loadCheckpoint, packCheckpoint, unpackCheckpoint, CHECKPOINT_KEY,
  type CheckpointState, type PackedCheckpoint, type SaveCheckpointOptions, type LoadCheckpointOptions, type LoadedCheckpoint,
} from "./checkpoint.js";
export { record } from "./record.js";
export { replay, readRecording, ReplayedError } from "./replay.js";
export { RecordingError } from "./RecordingError.js";
export * from "./datasets/index.js";
export * as transforms from "./transforms/index.js";
