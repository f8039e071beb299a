// A peer timed by a process of its own (PyTorch's script, jax-js with worker threads), joined to the CPU rows as a column.
import { spawnSync } from "node:child_process";
import type { Row } from "./workload.js";

/**
 * What such a process prints on stdout: one JSON object, either the figures (by workload name, in the row's unit; null
 * with a note when it cannot run one) with what it ran as, or `unavailable` saying why it cannot run at all.
 */
interface PeerOutput {
  readonly version?: string;
  readonly threads?: number;
  /** PyTorch: the BLAS library its matmul runs on (Debian's torch takes whatever libblas.so.3 is). */
  readonly blas?: string;
  readonly rows?: Readonly<Record<string, { readonly value: number | null; readonly note?: string }>>;
  readonly unavailable?: string;
}

export interface ExternalPeer {
  readonly name: string;
  /** What it ran as, when it ran. */
  readonly info?: { readonly version: string; readonly threads: number; readonly blas?: string };
  /** Why it has no column, when it does not. */
  readonly reason?: string;
  /** `row` with this peer's figure (and note) added; unchanged when the peer is unavailable. */
  join(row: Row): Row;
  /** One line for the table's header. */
  describe(): string;
}

/** Runs `command args` (its stderr shown as progress) and reads its figures; `wanted` false skips it (no rows selected). */
export const externalPeer = (name: string, command: string, args: readonly string[], wanted: boolean, progress: (msg: string) => void): ExternalPeer => {
  const unavailable = (reason: string): ExternalPeer => {
    progress(`${name}: not available (${reason})`);
    return { name, reason, join: (row) => row, describe: () => `${name}: not available (${reason})` };
  };
  if (!wanted) return unavailable("not run: no row of it selected");
  progress(`${name}: ${command} ${args.join(" ")}`);
  const child = spawnSync(command, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 24 });
  if (child.error) return unavailable(`${command} did not start: ${child.error.message}`);
  let parsed: PeerOutput;
  try {
    parsed = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "") as PeerOutput;
  } catch {
    return unavailable(`${command} ${args[0]} exited with status ${child.status} without its JSON line`);
  }
  if (parsed.unavailable !== undefined) return unavailable(parsed.unavailable);
  if (parsed.rows === undefined || parsed.version === undefined || parsed.threads === undefined)
    return unavailable(`${command} ${args[0]} printed JSON without version, threads and rows`);
  const { rows, version, threads, blas } = parsed;
  return {
    name,
    info: { version, threads, ...(blas === undefined ? {} : { blas }) },
    join: (row) => {
      const r = rows[row.workload];
      const note = r === undefined ? `${name}: n/a (no ${name} version of this workload)` : r.note === undefined ? undefined : `${name}: ${r.value === null ? `n/a (${r.note})` : r.note}`;
      const notes = [...(row.notes ?? []), ...(note === undefined ? [] : [note])];
      return { ...row, peers: { ...row.peers, [name]: r?.value ?? null }, ...(notes.length ? { notes } : {}) };
    },
    describe: () => `${name} ${version} (${threads} threads${blas === undefined ? "" : `, BLAS ${blas}`})`,
  };
};
