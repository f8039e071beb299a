// The examples runner (`npm run examples -- --quick`): runs every examples/*.ts in its own Node process, a few at a time, each with a timeout.
//
//   npm run examples -- --quick                  every example with small settings
//   npm run examples -- --quick --only lenet,resnet
//   npm run examples -- --jobs 1 --timeout 600   full settings, one at a time
//
// Prints one line per example as it finishes (status, seconds, name) and, at the end, every failed example with the
// tail of its stderr; exits 1 when any failed, 2 on bad options. Other `--flags` (e.g. `--download`) are passed on.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const examplesDir = join(root, "examples");

interface Options {
  readonly quick: boolean;
  readonly only: readonly string[] | undefined;
  readonly jobs: number;
  readonly timeoutS: number;
  readonly passOn: readonly string[];
}

/** Reads the command line; a bad value is one line naming the option and what it accepts. */
const parseOptions = (argv: readonly string[]): Options => {
  let quick = false;
  let only: string[] | undefined;
  let jobs = 2;
  let timeoutS: number | undefined;
  const passOn: string[] = [];
  const positive = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 1) throw new Error(`run-examples: ${name} needs a positive integer, got ${JSON.stringify(v ?? null)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") quick = true;
    else if (a === "--only") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error("run-examples: --only needs a comma-separated list of example names, e.g. --only lenet,resnet");
      only = [...(only ?? []), ...v.split(",").filter((s) => s !== "").map((s) => s.replace(/\.ts$/, "").replace(/^examples\//, ""))];
    } else if (a === "--jobs") jobs = positive("--jobs", argv[++i]);
    else if (a === "--timeout") timeoutS = positive("--timeout", argv[++i]);
    else if (a.startsWith("--")) passOn.push(a);
    else throw new Error(`run-examples: unexpected argument ${JSON.stringify(a)} (options: --quick, --only a,b, --jobs N, --timeout SECONDS, other --flags are passed on)`);
  }
  // Quick runs should take seconds; full runs train for real.
  return { quick, only, jobs, timeoutS: timeoutS ?? (quick ? 120 : 3600), passOn };
};

interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly reason: string;
  readonly stderr: string;
}

const tail = (text: string, lines = 20): string => text.trimEnd().split("\n").slice(-lines).join("\n");

/** Runs one example to completion (or until its timeout, when its whole process group is killed). */
const runOne = (name: string, options: Options): Promise<Outcome> =>
  new Promise((done) => {
    const start = performance.now();
    const args = ["--import", "tsx", join(examplesDir, `${name}.ts`), ...(options.quick ? ["--quick"] : []), ...options.passOn];
    // detached: the example gets its own process group, so a timeout also ends any workers it started.
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-20_000)));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutS * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - start) / 1000;
      const ok = code === 0 && !timedOut;
      const reason = timedOut ? `timed out after ${options.timeoutS} s` : signal !== null ? `killed by ${signal}` : `exit code ${code}`;
      // Some failures only show on stdout (a thrown check prints to stderr, but a hang or a kill may not).
      done({ name, ok, seconds, reason, stderr: stderr.trim() !== "" ? stderr : stdout });
    });
  });

/** Runs the examples `jobs` at a time, printing a line as each finishes; resolves with every outcome in name order. */
const runAll = async (names: readonly string[], options: Options): Promise<Outcome[]> => {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      const o = await runOne(name, options);
      console.log(`${o.ok ? "ok  " : "FAIL"} ${o.seconds.toFixed(1).padStart(6)} s  ${name}${o.ok ? "" : `  (${o.reason})`}`);
      outcomes.push(o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, names.length) }, worker));
  return outcomes.sort((a, b) => a.name.localeCompare(b.name));
};

const main = async (): Promise<number> => {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  // Files starting with "_" are shared helpers of the examples, not examples.
  const all = readdirSync(examplesDir).filter((f) => f.endsWith(".ts") && !f.startsWith("_")).map((f) => f.slice(0, -3)).sort();
  const unknown = (options.only ?? []).filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    console.error(`run-examples: no example named ${unknown.map((n) => JSON.stringify(n)).join(", ")} in examples/ (there are: ${all.join(", ")})`);
    return 2;
  }
  const names = options.only ?? all;
  const start = performance.now();
  console.log(`running ${names.length} example${names.length === 1 ? "" : "s"}${options.quick ? " with --quick" : ""}, ${options.jobs} at a time (timeout ${options.timeoutS} s each)`);
  const outcomes = await runAll(names, options);
  const failed = outcomes.filter((o) => !o.ok);
  const total = ((performance.now() - start) / 1000).toFixed(1);
  if (failed.length === 0) {
    console.log(`all ${outcomes.length} examples passed in ${total} s`);
    return 0;
  }
  for (const f of failed) console.error(`\n--- ${f.name} failed (${f.reason}); last lines of its output:\n${tail(f.stderr)}`);
  console.error(`\n${failed.length} of ${outcomes.length} examples failed in ${total} s: ${failed.map((f) => f.name).join(", ")}`);
  return 1;
};

process.exitCode = await main();
