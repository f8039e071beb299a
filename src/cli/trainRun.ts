// The training run as one stream: steps with progress, step logs, epochs, evaluation, checkpoint, TensorBoard, metrics file and the live plot.
import { lastValueFrom, map, scan, Subject, tap } from "rxjs";
import {
  trainSteps, epochs, mapAsync, progress, livePlot, toJsonl, nn,
  type Loader, type Step, type StepResult, type TrainState, type SummaryWriter, type ProgressOutput, type Tensor,
} from "../index.js";
import { deviceEvaluation, type Batch } from "./deviceStep.js";

/** What one finished epoch reports (epochs counted from 1, as d2l prints them). */
export interface EpochReport {
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
  /** Training samples per second of step time in this epoch (d2l's Timer: data loading and evaluation excluded). */
  readonly examplesPerSec: number;
}

/** A point of the live plot: d2l's Animator series over (fractional) epochs. */
export interface PlotRow {
  readonly epoch: number;
  readonly trainLoss?: number;
  readonly trainAcc?: number;
  readonly testAcc?: number;
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
  /** Milliseconds and samples of training steps so far (kept by the step), for examples per second. */
  readonly timing: () => { readonly ms: number; readonly samples: number };
  /** Saves the state after an epoch (1-based count of epochs done). */
  readonly save: (state: TrainState<nn.Params, S>, epoch: number) => Promise<void>;
  readonly onEpoch: (report: EpochReport) => void;
}

interface Running<S> {
  readonly s: StepResult<nn.Params, S>;
  readonly loss: number;
  readonly accuracy: number;
  readonly samples: number;
}

/**
 * Runs the epochs and returns the last epoch's report. Every sink is a stage of one pipeline, so the loader waits for
 * each (backpressure): nothing piles up however slow the disk or the GPU.
 * @example
 * const last = await trainRun({ model, step, state0, train, test, epochs: 10, ... });
 */
export const trainRun = async <S>(o: TrainRunOptions<S>): Promise<EpochReport | undefined> => {
  const plotRows = new Subject<PlotRow>();
  const plotted = lastValueFrom(
    plotRows.pipe(livePlot(o.plotPath, {
      series: { trainLoss: "train loss", trainAcc: "train acc", testAcc: "test acc" },
      xlabel: "epoch", xlim: [0, o.epochs],
    })),
    { defaultValue: undefined },
  );
  o.plotHistory.forEach((r) => plotRows.next(r));
  let epochStart = o.timing();
  try {
    const last = await lastValueFrom(
      o.train.epochs(o.epochs, { from: o.state0.position }).pipe(
        trainSteps(o.step, o.state0),
        // Progress counts epochs from 1, as d2l prints them; `samples` is the batch's size (perBatch).
        map((s) => ({ s, epoch: s.epoch + 1, samples: s.samples, total: o.trainSize, loss: s.metrics.loss, accuracy: s.metrics.accuracy })),
        progress({ perBatch: true, epochs: o.epochs, output: o.progressOutput }),
        map(({ s }) => s),
        // d2l's Accumulator: running sample-weighted means within the epoch, for the plot.
        scan((r: Running<S> | undefined, s: StepResult<nn.Params, S>): Running<S> => {
          const prev = r === undefined || r.s.epoch !== s.epoch ? undefined : r;
          const samples = (prev?.samples ?? 0) + s.samples;
          const mean = (k: "loss" | "accuracy") => (prev === undefined ? s.metrics[k]! : prev[k] + (s.metrics[k]! - prev[k]) * (s.samples / samples));
          return { s, samples, loss: mean("loss"), accuracy: mean("accuracy") };
        }, undefined),
        mapAsync(async (running: Running<S> | undefined) => {
          const r = running!; // scan's seed is never emitted
          const s = r.s;
          if ((s.index + 1) % o.logEvery === 0 || s.last) {
            // The notes' writer.add_scalar("train_loss", loss.item(), total_train_step), on the global step.
            await o.writer.addScalar("train_loss", s.metrics.loss!, s.state.step);
            await o.writer.addScalar("train_accuracy", s.metrics.accuracy!, s.state.step);
            plotRows.next({ epoch: s.epoch + (s.index + 1) / o.train.length, trainLoss: r.loss, trainAcc: r.accuracy });
          }
          return s;
        }),
      ).pipe(
        epochs(),
        mapAsync(async (e): Promise<EpochReport> => {
          const now = o.timing();
          const examplesPerSec = (now.samples - epochStart.samples) / Math.max(1e-9, (now.ms - epochStart.ms) / 1000);
          epochStart = now;
          const test = await deviceEvaluation(o.model, o.test, { params: e.state.params, state: (e.state.modelState ?? {}) as nn.State });
          const epoch = e.epoch + 1;
          await o.save(e.state, epoch);
          const report: EpochReport = {
            epoch, step: e.state.step, trainLoss: e.train.loss!, trainAccuracy: e.train.accuracy!, testLoss: test.loss, testAccuracy: test.accuracy, examplesPerSec,
          };
          for (const [tag, v] of [["epoch_train_loss", report.trainLoss], ["epoch_train_accuracy", report.trainAccuracy], ["test_loss", report.testLoss], ["test_accuracy", report.testAccuracy]] as const)
            await o.writer.addScalar(tag, v, epoch);
          await o.writer.flush();
          plotRows.next({ epoch, testAcc: report.testAccuracy });
          return report;
        }),
        // Reported before the metrics file: its write does not hold the loader back, so the next epoch may already be running.
        tap(o.onEpoch),
        toJsonl(o.metricsPath),
      ),
      { defaultValue: undefined },
    );
    plotRows.complete();
    await plotted;
    return last;
  } catch (e) {
    plotRows.complete();
    await plotted.catch(() => undefined);
    throw e;
  }
};
