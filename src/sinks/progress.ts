// Terminal progress for training streams: a live bar per epoch on a TTY, plain periodic lines otherwise (as tqdm, never both).
import { Observable, type MonoTypeOperatorFunction } from "rxjs";

/** What the progress sink reads from each value of a step stream. */
export interface ProgressValue {
  /** The epoch this step belongs to, printed as given (count from 1 to print as d2l does). */
  readonly epoch: number;
  /** Samples processed so far in this epoch. */
  readonly samples: number;
  /** Samples in the whole epoch, when known (enables the bar, the percentage and the ETA). */
  readonly total?: number;
  /** The running (epoch-average) training loss. */
  readonly loss?: number;
  /** The running training accuracy in [0, 1]. */
  readonly accuracy?: number;
}

/** Where progress goes: a writable such as process.stderr; only `write`, `isTTY` and `columns` are used. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressOptions {
  /** Default process.stderr, as tqdm: progress never mixes into data piped from stdout. */
  readonly output?: ProgressOutput;
  /** Force the bar (true) or plain lines (false); default `output.isTTY`. */
  readonly tty?: boolean;
  /** The number of epochs, to print "epoch 2/10". */
  readonly epochs?: number;
  /** Milliseconds now; default performance.now. Tests pass a fake clock. */
  readonly clock?: () => number;
  /** Plain lines: one each time another `every` of the epoch is done (default 0.1, every 10%). */
  readonly every?: number;
  /** Plain lines: also one when this many milliseconds passed since the last (default 10 000); bar: the least time between redraws (default 100). */
  readonly interval?: number;
  /**
   * Values are single batches (as trainSteps' StepResult): `samples` is the batch's size and loss/accuracy the batch's,
   * so the sink sums the samples and shows sample-weighted running means over the epoch (d2l's Accumulator). Default false.
   */
  readonly perBatch?: boolean;
}

/** Seconds as mm:ss, or h:mm:ss from an hour on. */
const clockTime = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mmss = `${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
};

interface Snapshot {
  readonly label: string;
  readonly value: ProgressValue;
  readonly elapsed: number;
}

const rateOf = ({ value, elapsed }: Snapshot): number | undefined => (elapsed > 0 ? (value.samples * 1000) / elapsed : undefined);

/** Four decimals, or three significant digits in exponent form once huge (a diverging loss would print 30 digits). */
const four = (x: number): string => (Number.isFinite(x) && Math.abs(x) >= 1e5 ? x.toExponential(2) : x.toFixed(4));

const metricsText = ({ loss, accuracy }: ProgressValue): string =>
  [loss === undefined ? "" : `loss ${four(loss)}`, accuracy === undefined ? "" : `acc ${accuracy.toFixed(4)}`].filter((s) => s !== "").join(" ");

/** "300/600 [00:02<00:02, 150.0 samples/s]" (no ETA when the total is unknown). */
const countsText = (snap: Snapshot): string => {
  const { samples, total } = snap.value;
  const rate = rateOf(snap);
  const eta = total === undefined ? "" : `<${rate === undefined ? "?" : clockTime(((total - samples) / rate) * 1000)}`;
  const width = total === undefined ? 0 : String(total).length;
  const counts = total === undefined ? `${samples}` : `${String(samples).padStart(width)}/${total}`;
  return `${counts} [${clockTime(snap.elapsed)}${eta}, ${rate === undefined ? "?" : rate.toFixed(1)} samples/s]`;
};

const percentText = ({ samples, total }: ProgressValue): string =>
  total === undefined || total <= 0 ? "" : `${String(Math.floor((100 * Math.min(samples, total)) / total)).padStart(3)}%`;

/** The bar line: "epoch 1/3  50%|██████    | 300/600 [00:02<00:02, 150.0 samples/s] loss 0.5000 acc 0.8000". */
const progressBarLine = (snap: Snapshot, columns = 80): string => fitTo(columns, barLine(snap, columns));

/** Cut to the terminal's width: a wrapped line would break the in-place redraw (\r only returns to the line's start). */
const fitTo = (columns: number, line: string): string => (line.length < columns ? line : line.slice(0, Math.max(1, columns - 1)));

const barLine = (snap: Snapshot, columns: number): string => {
  const tail = [countsText(snap), metricsText(snap.value)].filter((s) => s !== "").join(" ");
  const { samples, total } = snap.value;
  if (total === undefined || total <= 0) return `${snap.label} ${tail}`;
  const head = `${snap.label} ${percentText(snap.value)}`;
  // A width fixed by the terminal, not by the text, so the bar does not jump as the numbers change.
  const width = Math.max(10, Math.min(30, Math.floor(columns / 4)));
  const filled = Math.round((width * Math.min(samples, total)) / total);
  return `${head}|${"█".repeat(filled)}${" ".repeat(width - filled)}| ${tail}`;
};

/** The periodic plain line: "epoch 1/3  50% 300/600 [00:02<00:02, 150.0 samples/s] loss 0.5000 acc 0.8000". */
const progressPlainLine = (snap: Snapshot): string =>
  [snap.label, percentText(snap.value), countsText(snap), metricsText(snap.value)].filter((s) => s !== "").join(" ");

/** The end-of-epoch plain line: "epoch 1/3 done: 600 samples in 00:04 (150.0 samples/s), loss 0.4000 acc 0.8500". */
const progressSummaryLine = (snap: Snapshot): string => {
  const rate = rateOf(snap);
  const metrics = metricsText(snap.value);
  return `${snap.label} done: ${snap.value.samples} samples in ${clockTime(snap.elapsed)} (${rate === undefined ? "?" : rate.toFixed(1)} samples/s)${metrics === "" ? "" : `, ${metrics}`}`;
};

/**
 * Shows training progress for a stream of step values and passes them on unchanged. On a TTY: one bar per epoch
 * redrawn in place (done/total, samples/s, ETA, live loss and accuracy), left on screen when the epoch ends. Otherwise
 * (CI, pipes, files): a plain line every 10% of the epoch or every 10 s, and a summary line when the epoch ends.
 * An epoch ends when `samples` reaches `total`, when a value of a later epoch arrives, or when the stream ends. The
 * first epoch's clock starts on subscription; a later epoch's clock leaves out what ran between epochs (evaluation,
 * saving): it starts at its first value, less that value's samples at the previous epoch's time per sample.
 * @example
 * steps$.pipe(progress({ epochs: 10 })).subscribe();
 */
export const progress = <T extends ProgressValue>({
  output = process.stderr,
  tty,
  epochs,
  clock = () => performance.now(),
  every = 0.1,
  interval,
  perBatch = false,
}: ProgressOptions = {}): MonoTypeOperatorFunction<T> => {
  if (!(every > 0 && every <= 1)) throw new Error(`progress: every must be a fraction of the epoch in (0, 1], got ${every}`);
  if (interval !== undefined && !(interval >= 0)) throw new Error(`progress: interval must be a number of milliseconds >= 0, got ${interval}`);
  const bar = tty ?? output.isTTY === true;
  const minGap = interval ?? (bar ? 100 : 10_000);
  return (source) =>
    new Observable<T>((subscriber) => {
      let epochStart = clock();
      let msPerSample: number | undefined;
      let current: { value: ProgressValue; drawnAt: number; nextLine: number; open: boolean } | undefined;
      const snapshot = (value: ProgressValue, now: number): Snapshot => ({
        label: `epoch ${value.epoch}${epochs === undefined ? "" : `/${epochs}`}`,
        value,
        elapsed: now - epochStart,
      });
      const finish = (now: number): void => {
        if (current === undefined || !current.open) return;
        const snap = snapshot(current.value, now);
        output.write(bar ? `\r${progressBarLine(snap, output.columns)}\x1b[K\n` : `${progressSummaryLine(snap)}\n`);
        current.open = false;
        if (current.value.samples > 0) msPerSample = snap.elapsed / current.value.samples;
        epochStart = now;
      };
      const see = (value: ProgressValue): void => {
        const now = clock();
        if (current !== undefined && current.open && value.epoch !== current.value.epoch) finish(now);
        if (current === undefined || value.epoch !== current.value.epoch) {
          // Not the first epoch: the time since the last one ended held evaluation and saving, not this epoch's steps.
          if (current !== undefined && msPerSample !== undefined) epochStart = now - msPerSample * value.samples;
          current = { value, drawnAt: -Infinity, nextLine: 1, open: true };
        }
        current.value = value;
        if (!current.open) return; // values after the epoch's end (e.g. a repeated last step) are not drawn again
        const { samples, total } = value;
        if (total !== undefined && samples >= total) return finish(now);
        if (bar) {
          if (now - current.drawnAt < minGap) return;
          output.write(`\r${progressBarLine(snapshot(value, now), output.columns)}\x1b[K`);
          current.drawnAt = now;
          return;
        }
        const fraction = total === undefined || total <= 0 ? 0 : samples / total;
        // Counting multiples of `every` (not adding it up) keeps 0.1 + 0.1 + 0.1 from missing the 30% line.
        const crossed = fraction + 1e-9 >= current.nextLine * every;
        const stale = current.drawnAt === -Infinity ? now - epochStart >= minGap : now - current.drawnAt >= minGap;
        if (!crossed && !stale) return;
        current.nextLine = Math.floor(fraction / every + 1e-9) + 1;
        output.write(`${progressPlainLine(snapshot(value, now))}\n`);
        current.drawnAt = now;
      };
      // Per-batch mode: running sums for the current epoch, turned into the cumulative view the renderer reads.
      let sums = { epoch: NaN, samples: 0, loss: 0, lossN: 0, acc: 0, accN: 0 };
      const cumulative = (v: ProgressValue): ProgressValue => {
        if (v.epoch !== sums.epoch) sums = { epoch: v.epoch, samples: 0, loss: 0, lossN: 0, acc: 0, accN: 0 };
        sums.samples += v.samples;
        if (v.loss !== undefined) [sums.loss, sums.lossN] = [sums.loss + v.loss * v.samples, sums.lossN + v.samples];
        if (v.accuracy !== undefined) [sums.acc, sums.accN] = [sums.acc + v.accuracy * v.samples, sums.accN + v.samples];
        return {
          epoch: v.epoch,
          samples: sums.samples,
          ...(v.total === undefined ? {} : { total: v.total }),
          ...(sums.lossN > 0 ? { loss: sums.loss / sums.lossN } : {}),
          ...(sums.accN > 0 ? { accuracy: sums.acc / sums.accN } : {}),
        };
      };
      const subscription = source.subscribe({
        next: (value) => {
          see(perBatch ? cumulative(value) : value);
          subscriber.next(value);
        },
        error: (e: unknown) => {
          // End the bar's line so the error is printed on its own line.
          if (bar && current?.open) output.write("\n");
          subscriber.error(e);
        },
        complete: () => {
          finish(clock());
          subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
};
