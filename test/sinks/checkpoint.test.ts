// Tests for the checkpoint sink: files read back with decodeSafetensors and loadCheckpoint, keepLast, best-of across runs, failed writes.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { from, lastValueFrom, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { Effect } from "effect";
import { decodeSafetensors, full, loadCheckpoint, scalar, type Tensor } from "../../src/index.js";
import { checkpointName, checkpoints, type SinkError } from "../../src/sinks/index.js";

const root = mkdtempSync(join(tmpdir(), "rivulet-ckpt-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Step {
  readonly step: number;
  readonly testAcc?: number;
}
/** The "params" at a step: a tensor filled with the step number, so each file says which step it holds. */
const save = (s: Step) => ({ params: { fc: { weight: full([2, 3], s.step), bias: scalar(s.step) } }, step: s.step });
const steps = (n: number, acc: (i: number) => number | undefined = () => undefined): Step[] =>
  Array.from({ length: n }, (_, i) => ({ step: i + 1, ...(acc(i + 1) === undefined ? {} : { testAcc: acc(i + 1) }) }));
const read = (path: string) => decodeSafetensors(readFileSync(path), { source: path });
const stepIn = (t: Readonly<Record<string, Tensor>>) => t["params.fc.bias"]!.item();
const fail = (p: Promise<unknown>) => p.then(() => undefined, (e: SinkError) => e);

describe("checkpoints", () => {
  it("saves every N steps, named by step, keeps the last K and passes values on", async () => {
    const dir = join(root, "every");
    const values = steps(7);
    const seen = await lastValueFrom(from(values).pipe(checkpoints(dir, { every: 2, keepLast: 2, save }), toArray()));
    expect(seen).toEqual(values);
    expect(readdirSync(dir).sort()).toEqual(["step-000004.safetensors", "step-000006.safetensors"]);
    const { tensors, metadata } = read(join(dir, "step-000006.safetensors"));
    const { "rivulet.checkpoint": header, ...rest } = metadata;
    expect(rest).toEqual({ format: "pt", step: "6" });
    // The file is saveCheckpoint's: loadCheckpoint gives the state back.
    const { state } = await Effect.runPromise(loadCheckpoint(join(dir, "step-000006.safetensors")));
    expect([state.step, (state.params as { fc: { bias: Tensor } }).fc.bias.item(), typeof header]).toEqual([6, 6, "string"]);
    expect(Array.from(tensors["params.fc.weight"]!.dataSync())).toEqual([6, 6, 6, 6, 6, 6]);
    expect(checkpointName(123)).toBe("step-000123.safetensors");
    expect(checkpointName(1234567)).toBe("step-1234567.safetensors");
  });

  it("keeps the most recently written files, so a run restarted at a lower step never deletes what it just saved", async () => {
    const dir = join(root, "restart");
    await lastValueFrom(from([{ step: 100 }]).pipe(checkpoints(dir, { every: 100, save })));
    await lastValueFrom(from(steps(4)).pipe(checkpoints(dir, { every: 2, keepLast: 2, save })));
    expect(readdirSync(dir).sort()).toEqual(["step-000002.safetensors", "step-000004.safetensors"]);
  });

  it("saves best.safetensors when the metric improves, ignoring values without it", async () => {
    const dir = join(root, "best");
    const accs: Record<number, number> = { 2: 0.5, 4: 0.8, 6: 0.7, 8: 0.85 };
    let saved = 0;
    await lastValueFrom(
      from(steps(9, (i) => accs[i])).pipe(checkpoints(dir, { bestOf: { metric: "testAcc", mode: "max" }, save: (s) => (saved++, save(s)) })),
    );
    expect(saved).toBe(3); // steps 2, 4 and 8 improve
    expect(readdirSync(dir)).toEqual(["best.safetensors"]);
    const { tensors, metadata } = read(join(dir, "best.safetensors"));
    expect(metadata).toMatchObject({ format: "pt", step: "8", metric: "testAcc", mode: "max", value: "0.85" });
    expect(stepIn(tensors)).toBe(8);
  });

  it("resumes: an earlier run's best for the same metric and mode is the value to beat", async () => {
    const dir = join(root, "resume");
    const opts = { bestOf: { metric: "testAcc", mode: "max" as const }, save };
    await lastValueFrom(from([{ step: 10, testAcc: 0.9 }]).pipe(checkpoints(dir, opts)));
    await lastValueFrom(from([{ step: 11, testAcc: 0.85 }]).pipe(checkpoints(dir, opts)));
    expect(stepIn(read(join(dir, "best.safetensors")).tensors)).toBe(10);
    await lastValueFrom(from([{ step: 12, testAcc: 0.95 }]).pipe(checkpoints(dir, opts)));
    expect(stepIn(read(join(dir, "best.safetensors")).tensors)).toBe(12);
    // A different mode does not compare with the old file's value.
    await lastValueFrom(from([{ step: 13, testAcc: 0.99 }]).pipe(checkpoints(dir, { ...opts, bestOf: { metric: "testAcc", mode: "min" } })));
    expect(stepIn(read(join(dir, "best.safetensors")).tensors)).toBe(13);
  });

  it("a write failing midway leaves no partial or temporary file and keeps the older checkpoints", async () => {
    const dir = join(root, "crash");
    // The step-4 target is taken by a non-empty folder: the temporary file is written and synced, then rename fails.
    mkdirSync(join(dir, "step-000004.safetensors"), { recursive: true });
    writeFileSync(join(dir, "step-000004.safetensors", "keep"), "x");
    const passed: number[] = [];
    const e = await fail(
      lastValueFrom(from(steps(6)).pipe(checkpoints(dir, { every: 2, keepLast: 1, save }), toArray())).then((v) => passed.push(...v.map((s) => s.step))),
    );
    const target = join(dir, "step-000004.safetensors");
    expect(e).toMatchObject({ _tag: "SinkError", sink: "checkpoints", file: target });
    expect(e!.message).toMatch(new RegExp(`^checkpoints: cannot save ${target}: rename ${target} failed`));
    // step 2 survives (keepLast deletes only after a new checkpoint is in place); nothing else was left behind.
    expect(readdirSync(dir).sort()).toEqual(["step-000002.safetensors", "step-000004.safetensors"]);
    expect(stepIn(read(join(dir, "step-000002.safetensors")).tensors)).toBe(2);
    expect(passed).toEqual([]);
  });

  it("fails at subscription naming the folder when it cannot be created, before saving anything", async () => {
    const blocker = join(root, "blocker");
    writeFileSync(blocker, "");
    let saved = 0;
    const e = await fail(lastValueFrom(from(steps(2)).pipe(checkpoints(join(blocker, "ckpt"), { every: 1, save: (s) => (saved++, save(s)) }))));
    expect(e).toMatchObject({ _tag: "SinkError", sink: "checkpoints" });
    expect(e!.message).toMatch(/^checkpoints: cannot create the folder .*blocker\/ckpt: /);
    expect(saved).toBe(0);
  });

  it("rejects bad options and bad steps with clear errors", async () => {
    expect(() => checkpoints("d", { save })).toThrow("checkpoints: d: pass every (steps) or bestOf ({ metric, mode }), or both");
    expect(() => checkpoints("d", { every: 0, save })).toThrow("checkpoints: every must be a positive integer number of steps, got 0");
    expect(() => checkpoints("d", { every: 1, keepLast: 0, save })).toThrow("checkpoints: keepLast must be a positive integer, got 0");
    const e = await fail(lastValueFrom(from([{ step: 1.5 }]).pipe(checkpoints(join(root, "bad"), { every: 1, save }))));
    expect(e!.message).toContain("a value's step must be a non-negative integer (pass { step: (v) => ... } if it is elsewhere), got 1.5");
  });
});
