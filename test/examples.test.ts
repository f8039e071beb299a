// The curriculum examples as part of the suite: the runner runs every examples/*.ts with --quick, and each must pass its own checks.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the examples runner with `args` and collects its output. */
const runner = (args: readonly string[]): Promise<Run> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/run-examples.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });

const examples = readdirSync("examples").filter((f) => f.endsWith(".ts") && !f.startsWith("_")).map((f) => f.slice(0, -3));

describe("examples runner", () => {
  it("refuses an unknown example name with exit code 2, naming it", async () => {
    const r = await runner(["--only", "no-such-example"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no example named "no-such-example"');
  });

  it("refuses a bad option value with exit code 2", async () => {
    const r = await runner(["--jobs", "zero"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--jobs needs a positive integer");
  });

  // Every example with --quick, two at a time (about 3–5 minutes on 2 cores). A failure names the example and shows its stderr.
  it("runs every example with --quick", async () => {
    const r = await runner(["--quick"]);
    if (r.code !== 0) throw new Error(`examples failed:\n${r.stdout}\n${r.stderr}`);
    for (const name of examples) expect(r.stdout).toMatch(new RegExp(`^ok\\s+[\\d.]+ s\\s+${name}$`, "m"));
  }, 600_000);
});
