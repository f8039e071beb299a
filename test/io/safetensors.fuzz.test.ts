// Fuzz test for decodeSafetensors: thousands of seeded mutations of a valid file; each decodes to the values an independent reader finds, or throws a SafetensorsError.
import { describe, expect, it } from "vitest";
import { decodeSafetensors, encodeSafetensors, tensor } from "../../src/index.js";
import { SafetensorsError } from "../../src/io/SafetensorsError.js";
import { below, mutateBytes, seeded } from "../_fuzz.js";

const base = encodeSafetensors(
  {
    w: tensor([[1.5, -2, 3], [4, 5.25, -6]]),
    b: tensor([7, 8, 9, 10], { dtype: "int32" }),
    flag: tensor([true, false], { dtype: "bool" }),
  },
  { epoch: "3" },
);

/** An independent reader of the header and the F32/I32 elements (JSON.parse and DataView, no validation). */
const independent = (bytes: Uint8Array): Record<string, { shape: number[]; values: number[] }> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out: Record<string, { shape: number[]; values: number[] }> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__" || (info.dtype !== "F32" && info.dtype !== "I32")) continue;
    const values: number[] = [];
    for (let at = 8 + n + info.data_offsets[0]; at < 8 + n + info.data_offsets[1]; at += 4)
      values.push(info.dtype === "F32" ? view.getFloat32(at, true) : view.getInt32(at, true));
    out[name] = { shape: info.shape, values };
  }
  return out;
};

/** The header's text with one token changed to a value a reader must handle (kept a valid file length). */
const mutateHeader = (next: () => number): Uint8Array => {
  const n = Number(new DataView(base.buffer).getBigUint64(0, true));
  const text = new TextDecoder().decode(base.subarray(8, 8 + n));
  const tokens = [...text.matchAll(/-?\d+(\.\d+)?|"[^"]*"/g)];
  const t = tokens[below(next, tokens.length)]!;
  const choices = ["16.0", "1e1", "-1", "0", "4294967296", "18446744073709551616", "9007199254740993", '"F16"', '"U16"', "null", "[]", "{}", "[[[[1]]]]", '"shape"', "24", "8"];
  const replaced = `${text.slice(0, t.index)}${choices[below(next, choices.length)]}${text.slice(t.index! + t[0].length)}`;
  const json = new TextEncoder().encode(replaced);
  const data = base.subarray(8 + n);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
};

describe("decodeSafetensors on mutated files", () => {
  it("4000 mutations: a SafetensorsError or the values an independent reader finds", () => {
    const next = seeded(20261207);
    let [decoded, rejected] = [0, 0];
    for (let i = 0; i < 4000; i++) {
      const bytes = i % 2 === 0 ? mutateBytes(base, next) : mutateHeader(next);
      let result: ReturnType<typeof decodeSafetensors>;
      try {
        result = decodeSafetensors(bytes, { source: `mutant ${i}` });
      } catch (e) {
        if (!(e instanceof SafetensorsError)) throw new Error(`mutant ${i}: ${String(e)} is not a SafetensorsError`);
        expect(e.message.startsWith(`decodeSafetensors: mutant ${i}: `)).toBe(true);
        rejected++;
        continue;
      }
      decoded++;
      for (const [name, { shape, values }] of Object.entries(independent(bytes))) {
        const t = result.tensors[name]!;
        expect([...t.shape], `mutant ${i} ${name}`).toEqual(shape);
        expect(Array.from(t.dataSync()), `mutant ${i} ${name}`).toEqual(values);
      }
    }
    // Both outcomes occur, so the test exercises the decoder rather than only its first check.
    expect(decoded).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(2000);
  });
});
