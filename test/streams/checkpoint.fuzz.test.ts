// Fuzz test of the checkpoint format: thousands of mutated files (bytes flipped, cut, header JSON edited) give typed errors or a state that is exactly what the file says.
import { describe, expect, it } from "vitest";
import {
  CheckpointError, decodeSafetensors, encodeSafetensors, key, nn, packCheckpoint, sgd, trainState, unpackCheckpoint, zeros,
  type PackedCheckpoint, type Tensor,
} from "../../src/index.js";

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its index. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const model = nn.sequential([nn.linear({ inFeatures: 3, outFeatures: 4 }), nn.batchNorm1d({ numFeatures: 4 }), nn.linear({ inFeatures: 4, outFeatures: 2 })]);
const variables = model.init(key(0));
const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
const state = {
  ...trainState({ params: variables.params, optimizer, seed: 3, modelState: variables.state }),
  optState: { ...(optimizer.init(variables.params) as object), extra: [1.5, Infinity, { w: zeros([2]) }] },
  step: 12,
  position: { epoch: 1, batch: 4 },
};
const withModel = packCheckpoint(state, { model });
const withoutModel = packCheckpoint({ ...state, params: variables.params });

const encode = (p: PackedCheckpoint) => encodeSafetensors(p.tensors, p.metadata);

/** Every tensor leaf of a tree, by path, as [dtype, shape, values]. */
const leaves = (x: unknown, path = "", out = new Map<string, unknown>()): Map<string, unknown> => {
  if (x !== null && typeof x === "object" && "dtype" in x && "shape" in x) {
    const t = x as Tensor;
    out.set(path, [t.dtype, [...t.shape], Array.from(t.dataSync())]);
  } else if (x !== null && typeof x === "object") for (const [k, v] of Object.entries(x)) leaves(v, `${path}.${k}`, out);
  return out;
};
const nonTensors = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (v !== null && typeof v === "object" && "dtype" in v ? "T" : typeof v === "number" && !Number.isFinite(v) ? String(v) : v)));

/**
 * Decodes and unpacks `bytes`: a failure must be the reader's error (decodeSafetensors, which loadSafetensors turns into
 * a SafetensorsError) or a CheckpointError; a success must be a state that saves and loads back to itself, with valid counters.
 */
const check = (bytes: Uint8Array, opts: { model?: typeof model }, label: string): "error" | "ok" => {
  let packed: PackedCheckpoint;
  try {
    packed = decodeSafetensors(bytes, { source: label });
  } catch (e) {
    expect((e as Error).message, label).toMatch(/^decodeSafetensors: /);
    return "error";
  }
  let loaded;
  try {
    loaded = unpackCheckpoint(packed, opts, label);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw new Error(`${label}: not a CheckpointError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.file, label).toBe(label);
    return "error";
  }
  const s = loaded.state;
  if (s.step !== undefined) expect(Number.isSafeInteger(s.step) && s.step >= 0, label).toBe(true);
  if (s.rng !== undefined) expect(s.rng.words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32), label).toBe(true);
  // The loaded state is exactly what the file holds: saving it again and loading gives the same tensors and fields.
  const again = unpackCheckpoint(packCheckpoint(s, opts), opts);
  expect(leaves(again.state), label).toEqual(leaves(s));
  expect(nonTensors(again.state), label).toEqual(nonTensors(s));
  return "ok";
};

describe("checkpoint fuzz: typed errors or exact values", () => {
  it("the unmutated files load back to the state", () => {
    expect(check(encode(withModel), { model }, "model")).toBe("ok");
    expect(check(encode(withoutModel), {}, "plain")).toBe("ok");
    const back = unpackCheckpoint(decodeSafetensors(encode(withModel)), { model });
    expect(leaves(back.state.optState)).toEqual(leaves(state.optState));
    expect([back.state.step, back.state.position, back.state.rng]).toEqual([12, { epoch: 1, batch: 4 }, state.rng]);
  });

  it("2400 files with flipped, overwritten or cut bytes", () => {
    const random = rng(1);
    const counts = { error: 0, ok: 0 };
    for (const [name, packed, opts] of [["model", withModel, { model }], ["plain", withoutModel, {}]] as const) {
      const good = encode(packed);
      for (let i = 0; i < 1200; i++) {
        const bytes = good.slice();
        const kind = i % 3;
        if (kind === 0) for (let j = 0, n = 1 + Math.floor(random() * 4); j < n; j++) bytes[Math.floor(random() * bytes.length)] ^= 1 << Math.floor(random() * 8);
        else if (kind === 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const input = kind === 2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
        counts[check(input, opts, `${name}#${i}`)]++;
      }
    }
    // Both outcomes occur: flips in tensor data load (as the file now says), flips in the header mostly fail.
    expect(counts.error).toBeGreaterThan(300);
    expect(counts.ok).toBeGreaterThan(100);
  });

  it("2000 headers with edited JSON: fields removed, retyped, renamed, nested, tensors referenced twice or not at all", () => {
    const random = rng(2);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const junk = (): unknown => pick([null, true, -1, 1.5, 2 ** 53, "x", "NaN", [], {}, { $t: "nope" }, { $n: "1" }, { $r: [] }, { $t: pick(Object.keys(withModel.tensors)) }, { $n: "Infinity" }, [[[[]]]]]);
    const counts = { error: 0, ok: 0 };
    for (const [name, packed, opts] of [["model", withModel, { model }], ["plain", withoutModel, {}]] as const) {
      const header = JSON.parse(packed.metadata["rivulet.checkpoint"]!) as unknown;
      for (let i = 0; i < 1000; i++) {
        const h = structuredClone(header);
        // Walk to a random node and change it.
        for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
          let node = h as Record<string, unknown>;
          for (let depth = 0; depth < 8; depth++) {
            const keys = Object.keys(node);
            if (keys.length === 0 || random() < 0.25) break;
            const k = pick(keys);
            const child = node[k];
            if (child === null || typeof child !== "object" || random() < 0.3) {
              const r = random();
              if (r < 0.4) node[k] = junk();
              else if (r < 0.6) delete node[k];
              else if (r < 0.8) node[`${k}_`] = node[k], delete node[k];
              else node[k] = { $r: { inner: child ?? null } };
              break;
            }
            node = child as Record<string, unknown>;
          }
        }
        const metadata = { ...packed.metadata, "rivulet.checkpoint": random() < 0.05 ? JSON.stringify(h).slice(0, -1) : JSON.stringify(h) };
        counts[check(encode({ tensors: packed.tensors, metadata }), opts, `${name}-header#${i}`)]++;
      }
    }
    expect(counts.error).toBeGreaterThan(300);
    expect(counts.ok).toBeGreaterThan(30);
  });

  it("a 50,000-deep skeleton is refused with a CheckpointError, not a stack overflow", () => {
    const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
    const metadata = { ...withoutModel.metadata, "rivulet.checkpoint": `{"format":"rivulet.checkpoint","version":1,"state":{"$r":{"params":${deep}}}}` };
    expect(() => unpackCheckpoint({ tensors: {}, metadata }, {}, "deep.safetensors")).toThrow(CheckpointError);
    expect(() => unpackCheckpoint({ tensors: {}, metadata }, {}, "deep.safetensors")).toThrow(/nested deeper than 256 levels/);
  });
});
