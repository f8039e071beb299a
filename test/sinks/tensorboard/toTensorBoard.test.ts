// toTensorBoard: values pass through unchanged, scalars land in the event file with the stream's steps, flushed on completion.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { from, lastValueFrom, Subject, toArray, throwError, concat } from "rxjs";
import { openSummaryWriter, toTensorBoard, tensor, ones } from "../../../src/index.js";
import { eventFiles, readEvents } from "./_eventReader.js";

const root = mkdtempSync(join(tmpdir(), "rivulet-tb-op-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

const summaries = (dir: string) =>
  readEvents(eventFiles(dir)[0]!)
    .filter((e) => e.summary)
    .flatMap((e) => (e.summary.value as Record<string, any>[]).map((v) => [v.tag, e.step ?? 0, v.simple_value ?? v.image?.height]));

describe("toTensorBoard", () => {
  it("logs every numeric field but step, passes values through, and has them on disk when the stream completes", async () => {
    const w = await openSummaryWriter(join(root, `r${n++}`), { flushSecs: 1000 });
    const metrics = [
      { step: 10, loss: 0.5, acc: tensor(0.25), name: "a" },
      { step: 20, loss: 0.25, acc: tensor([0.5]), name: "b" },
    ];
    const out = await lastValueFrom(from(metrics).pipe(toTensorBoard(w), toArray()));
    expect(out).toEqual(metrics);
    // Not closed: completion flushed.
    expect(summaries(w.logdir)).toEqual([["loss", 10, 0.5], ["acc", 10, 0.25], ["loss", 20, 0.25], ["acc", 20, 0.5]]);
    await w.close();
  });

  it("takes scalars and steps from the options, the index when values have no step, and writes anything else via write", async () => {
    const w = await openSummaryWriter(join(root, `r${n++}`), { flushSecs: 1000 });
    await lastValueFrom(
      from([3, 4]).pipe(
        toTensorBoard(w, {
          scalars: (v) => ({ "train/x": v, "train/x2": v * v }),
          write: async (writer, v, step) => {
            await new Promise((r) => setTimeout(r, 5)); // a slow writer still lands before completion
            await writer.addImage("img", ones([1, v, 2]), step);
          },
        }),
      ),
    );
    expect(summaries(w.logdir)).toEqual([["train/x", 0, 3], ["train/x2", 0, 9], ["train/x", 1, 4], ["train/x2", 1, 16], ["img", 0, 3], ["img", 1, 4]]);
    await w.close();
  });

  it("flushes what it saw before passing on the source's error", async () => {
    const w = await openSummaryWriter(join(root, `r${n++}`), { flushSecs: 1000 });
    const err = await lastValueFrom(concat(from([{ step: 1, loss: 1 }]), throwError(() => new Error("boom"))).pipe(toTensorBoard(w))).catch((e: Error) => e);
    expect((err as Error).message).toBe("boom");
    expect(summaries(w.logdir)).toEqual([["loss", 1, 1]]);
    await w.close();
  });

  it("errors the stream when a write fails, naming why", async () => {
    const w = await openSummaryWriter(join(root, `r${n++}`), { flushSecs: 1000 });
    const s = new Subject<{ step: number; loss: unknown }>();
    const done = lastValueFrom(s.pipe(toTensorBoard(w, { scalars: (v) => ({ loss: v.loss as number }) })));
    s.next({ step: 0, loss: ones([3]) });
    s.complete();
    await expect(done).rejects.toThrow(/addScalar: value of "loss" must be a number or a one-element tensor, got a tensor of shape \[3\]/);
    await w.close();
  });

  it("errors on a step that is not an integer", async () => {
    const w = await openSummaryWriter(join(root, `r${n++}`), { flushSecs: 1000 });
    await expect(lastValueFrom(from([{ step: 0.5, loss: 1 }]).pipe(toTensorBoard(w)))).rejects.toThrow(/step must be an integer, got 0.5/);
    await w.close();
  });
});
