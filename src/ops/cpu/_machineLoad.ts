// How busy other work keeps the machine's cores now: other threads' runnable count, sampled from /proc/loadavg and smoothed over a few seconds, for the thread pool's choice between every thread and the calling thread alone.
//
// The 1-minute load average lags by a minute and counts rivulet's own threads, so after any other job (a benchmark
// peer, a test file) the kernels dropped to one thread for a minute and bench rows jumped. /proc/loadavg's fourth
// field ("R/T") is the number of threads runnable at the moment it is read, the reader included: the calling thread
// is subtracted (the pool's workers sleep between jobs, when the sample is taken), and the rest is other work.
// Samples are integers that flicker from one millisecond to the next, so the decision follows their exponential
// moving average (time constant LOAD_SMOOTH_MS), with a band of hysteresis so that a load near the threshold does
// not flip the thread count back and forth.

/** The state of the estimate after a sample. */
export interface MachineLoad {
  /** Other work's runnable threads, smoothed. */
  readonly others: number;
  /** When the last sample was taken (ms, any monotonic clock). */
  readonly at: number;
  /** The decision: true means the kernels run on the calling thread alone. */
  readonly overloaded: boolean;
}

/** Time constant of the moving average: a change of load that lasts about 3 s turns the decision. */
export const LOAD_SMOOTH_MS = 2000;
/**
 * Go single-threaded when other work keeps about every core but half of one busy (1.5 runnable threads on 2 cores):
 * then a worker that has claimed a block is often descheduled while the caller waits for it, and threads lose (256³
 * products ran at a median 6–8 GFLOP/s on two threads against 33–35 on one at load 20 on 2 cores).
 */
const ENTER_BELOW_THREADS = 0.5;
/** Go back to every thread once the smoothed count falls a quarter of a thread below the threshold. */
const LEAVE_BELOW_THREADS = 0.75;

/**
 * The estimate after a sample of `others` runnable threads of other work taken at time `at`, for a pool of
 * `threads` threads. The first sample (prev null) is taken as it is.
 */
export const nextMachineLoad = (prev: MachineLoad | null, others: number, at: number, threads: number): MachineLoad => {
  const smoothed = prev === null ? others : prev.others + (1 - Math.exp(-Math.max(0, at - prev.at) / LOAD_SMOOTH_MS)) * (others - prev.others);
  const overloaded = prev?.overloaded === true ? smoothed >= threads - LEAVE_BELOW_THREADS : smoothed >= threads - ENTER_BELOW_THREADS;
  return { others: smoothed, at, overloaded };
};

/** Other work's runnable threads in the text of /proc/loadavg ("0.52 0.41 0.30 3/250 4242"): R less the reader; null when it does not parse. */
export const othersRunning = (loadavg: string): number | null => {
  const m = /^\S+ \S+ \S+ (\d+)\/\d+ /.exec(loadavg);
  return m === null ? null : Math.max(0, Number(m[1]) - 1);
};

let fd: number | null | undefined; // undefined: not opened yet; null: no /proc/loadavg here
const buf = new Uint8Array(128);

/**
 * Other work's runnable threads now, from /proc/loadavg (Linux); null where it is absent (macOS, Windows, browsers).
 * The file stays open: a positioned read of it costs ~5 µs where readFileSync costs ~100.
 */
export const sampleOthersRunning = (): number | null => {
  const fs = globalThis.process?.getBuiltinModule?.("node:fs");
  if (fs === undefined) return null;
  if (fd === undefined) {
    try {
      fd = fs.openSync("/proc/loadavg", "r");
    } catch {
      fd = null;
    }
  }
  if (fd === null) return null;
  try {
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(buf[i]!);
    return othersRunning(s);
  } catch {
    return null;
  }
};
