// The training run as one stream of the library's own operators: steps, throughput, progress, evaluation, TensorBoard, checkpoint, live plot and metrics file.
import { filter, lastValueFrom, map, scan, tap } from "rxjs";
import {
  trainSteps, throughput, evaluate, mapAsync, progress, toTensorBoard, livePlot, toJsonl, nn,
  type Loader, type Step, type StepResult, type TrainState, type SummaryWriter, type ProgressOutput, type Tensor,
} from "../index.js";
import { classifierLoss, type Batch } from "./deviceStep.js";

/** What one finished epoch reports (epochs counted from 1, as d2l prints them): the record of metrics.jsonl and `--json`, in snake_case. */
export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly train_loss: number;
  readonly train_accuracy: number;
  readonly test_loss: number;
  readonly test_accuracy: number;
  /** Training samples per second in this epoch (data loading included; evaluation and saving between epochs excluded). */
  readonly examples_per_sec: number;
}

/** A point of the live plot: d2l's Animator series over (fractional) epochs. */
export interface PlotRow {
  readonly epoch: number;
  readonly train_loss?: number;
  readonly train_accuracy?: number;
  readonly test_accuracy?: number;
}

export interface TrainRunOptions<S> {
  readonly model: nn.Module<Tensor, Tensor>;
  readonly step: Step<nn.Params, Batch, S>;
  readonly state0: TrainState<nn.Params, S>;
  readonly train: Loader<Batch>;
  readonly test: Loader<Batch>;
  /** Total epochs; the run goes from `state0.position.epoch` up to this. */
  readonly epochs: number;
  readonly writer: SummaryWriter;
  readonly plotPath: string;
  readonly metricsPath: string;
  /** Rows of earlier epochs (a resumed run) to draw first. */
  readonly plotHistory: readonly PlotRow[];
  /** Log the training loss every this many steps. */
  readonly logEvery: number;
  readonly trainSize: number;
  readonly progressOutput: ProgressOutput;
  /** Saves the state after an epoch (1-based count of epochs done). */
  readonly save: (state: TrainState<nn.Params, S>, epoch: number) => Promise<void>;
  readonly onEpoch: (report: EpochReport) => void;
}

/** A step with the epoch's running sample-weighted means so far (d2l's Accumulator), for the plot and the logs. */
type Running<S> = StepResult<nn.Params, S> & { readonly examples_per_sec: number; readonly running: { readonly loss: number; readonly accuracy: number; readonly samples: number } };

/** A step after evaluation: each epoch's last step carries the test set's means. */
type Evaluated<S> = Running<S> & { readonly test?: Readonly<Record<string, number>> };

/**
 * The live plot is redrawn at most this often (its last rows are drawn when the run ends): a render takes tens of
 * milliseconds, and redrawing at each of the 5 logged points of an epoch cost about a tenth of the training steps' own
 * time in a profiled run.
 */
const PLOT_INTERVAL_MS = 5000;

/** Nothing to log for this value. */
const NONE: Readonly<Record<string, number>> = {};

const runningMeans = <S>(r: Running<S> | undefined, s: StepResult<nn.Params, S> & { readonly examples_per_sec: number }): Running<S> => {
  const prev = r === undefined || r.epoch !== s.epoch ? undefined : r.running;
  const samples = (prev?.samples ?? 0) + s.samples;
  const mean = (k: "loss" | "accuracy") => (prev === undefined ? s.metrics[k]! : prev[k] + (s.metrics[k]! - prev[k]) * (s.samples / samples));
  return { ...s, running: { samples, loss: mean("loss"), accuracy: mean("accuracy") } };
};

/**
 * Runs the epochs and returns the last epoch's report. Every sink is an operator of one pipeline over the step stream,
 * so the loader waits for each (backpressure): nothing piles up however slow the disk or the GPU.
 * @example
 * const last = await trainRun({ model, step, state0, train, test, epochs: 10, ... });
 */
export const trainRun = async <S>(o: TrainRunOptions<S>): Promise<EpochReport | undefined> => {
  const logged = (s: StepResult<nn.Params, S>) => (s.index + 1) % o.logEvery === 0 || s.last;
  const epochOf = (s: StepResult<nn.Params, S>) => s.epoch + 1; // counted from 1, as d2l prints them
  return lastValueFrom(
    o.train.epochs(o.epochs, { from: o.state0.position }).pipe(
      trainSteps(o.step, o.state0),
      throughput(),
      // Progress reads `samples` as the batch's size (perBatch), counts epochs from 1 and shows the batch's loss and accuracy.
      map((s) => ({ s, epoch: epochOf(s), samples: s.samples, total: o.trainSize, loss: s.metrics.loss, accuracy: s.metrics.accuracy })),
      progress({ perBatch: true, epochs: o.epochs, output: o.progressOutput }),
      scan((r: Running<S> | undefined, { s }) => runningMeans<S>(r, s), undefined),
      map((s) => s!), // scan's seed is never emitted
      // The notes' writer.add_scalar("train_loss", loss.item(), total_train_step), on the global step, every logEvery steps.
      toTensorBoard<Running<S>>(o.writer, { step: (s) => s.state.step, scalars: (s) => (logged(s) ? { train_loss: s.metrics.loss!, train_accuracy: s.metrics.accuracy! } : NONE) }),
      // At each epoch's end: the test set in evaluation mode (the loader waits), then the checkpoint.
      evaluate<nn.Params, Batch, S, Running<S>>(o.test, { loss: classifierLoss(o.model), when: (s) => s.last }),
      mapAsync(async (s: Evaluated<S>) => (s.last ? (await o.save(s.state, epochOf(s)), s) : s)),
    ).pipe(
      toTensorBoard<Evaluated<S>>(o.writer, {
        step: epochOf,
        scalars: (s) => (s.test === undefined ? NONE : { epoch_train_loss: s.running.loss, epoch_train_accuracy: s.running.accuracy, test_loss: s.test.loss!, test_accuracy: s.test.accuracy! }),
      }),
      // d2l's Animator: train loss and accuracy every logEvery steps (running means), test accuracy per epoch.
      livePlot<Evaluated<S>>(o.plotPath, {
        series: { train_loss: "train loss", train_accuracy: "train acc", test_accuracy: "test acc" },
        xlabel: "epoch", xlim: [0, o.epochs], history: o.plotHistory, minIntervalMs: PLOT_INTERVAL_MS,
        rows: (s): PlotRow[] => [
          ...(logged(s) ? [{ epoch: s.epoch + (s.index + 1) / o.train.length, train_loss: s.running.loss, train_accuracy: s.running.accuracy }] : []),
          ...(s.test === undefined ? [] : [{ epoch: epochOf(s), test_accuracy: s.test.accuracy! }]),
        ],
      }),
      filter((s) => s.test !== undefined),
      map((s): EpochReport => ({
        epoch: epochOf(s), epochs: o.epochs, step: s.state.step, train_loss: s.running.loss, train_accuracy: s.running.accuracy,
        test_loss: s.test!.loss!, test_accuracy: s.test!.accuracy!, examples_per_sec: s.examples_per_sec,
      })),
      // Reported before the metrics file: its write does not hold the loader back, so the next epoch may already be running.
      tap(o.onEpoch),
      toJsonl(o.metricsPath),
    ),
    { defaultValue: undefined },
  );
};
