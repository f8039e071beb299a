// Fuzz test for replay: thousands of seeded mutations of a recording; each replays the recorded values exactly or fails with a RecordingError.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { from, lastValueFrom, toArray } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { RecordingError, Tensor, record, replay, tensor } from "../../src/index.js";
import { recordedValues } from "../../src/streams/_recordedValues.js";
import { below, mutateBytes, mutateLines, seeded } from "../_fuzz.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-rec-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const values = [{ loss: 0.5, w: tensor([[1.5, -2], [3, 4]]) }, { loss: 0.25, w: tensor([[1, 2], [3, 4.5]]) }, 7, "x", { ids: tensor([1, 2], { dtype: "int32" }) }];

/** Values as comparable text: tensors by dtype, shape and bytes. */
const text = (v: unknown): string =>
  JSON.stringify(v, (_, x: unknown) => (x instanceof Tensor ? { dtype: x.dtype, shape: x.shape, bytes: Buffer.from(x.dataSync().slice().buffer).toString("hex") } : x));

describe("replay on mutated recordings", () => {
  it("4000 mutations: the recorded values exactly, or a RecordingError", async () => {
    const path = join(dir, "base.jsonl");
    await lastValueFrom(from(values).pipe(record(path), toArray()));
    const base = readFileSync(path, "utf8");
    const expected = text(values);
    const next = seeded(42);
    const mutant = join(dir, "mutant.jsonl");
    let [same, rejected] = [0, 0];
    for (let i = 0; i < 4000; i++) {
      const mutated = below(next, 2) === 0 ? mutateLines(base.split("\n"), next).join("\n") : Buffer.from(mutateBytes(new TextEncoder().encode(base), next)).toString("utf8");
      // Every 20th through replay and the file; the rest through the same validating reader, in memory (fast).
      const viaFile = i % 20 === 0;
      if (viaFile) writeFileSync(mutant, mutated);
      try {
        const got = viaFile ? await lastValueFrom(replay(mutant).pipe(toArray())) : [...recordedValues(mutated, mutant)];
        // Accepted only when nothing that matters changed (a header field JSON-equal to the original, say).
        expect(text(got), `mutant ${i}: ${JSON.stringify(mutated).slice(0, 300)}`).toBe(expected);
        same++;
      } catch (e) {
        if (!(e instanceof RecordingError)) throw new Error(`mutant ${i}: ${String(e)} is not a RecordingError`);
        expect(e.file).toBe(mutant);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(3300);
    expect(same + rejected).toBe(4000);
  });
});
