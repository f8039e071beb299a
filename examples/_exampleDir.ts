// Where an example writes its files: runs/<name> (kept, to open in TensorBoard), or with --quick a temporary folder removed when the program exits.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The example's output folder: `$RIVULET_RUNS/<name>` (default `runs/<name>`), kept for TensorBoard; under `--quick`
 * (the test suite's mode) a fresh temporary folder that is deleted when the process exits, so tests leave nothing behind.
 * @example
 * const logdir = exampleDir("activations"); // runs/activations
 */
export const exampleDir = (name: string): string => {
  if (process.argv.includes("--quick")) {
    const dir = mkdtempSync(join(tmpdir(), `rivulet-${name}-`));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  const dir = join(process.env["RIVULET_RUNS"] ?? "runs", name);
  mkdirSync(dir, { recursive: true });
  return dir;
};
