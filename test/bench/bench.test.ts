// The benchmark harness: `bench/run.ts --json` as a child process on its quick setting (one JSON object with the new rows
// and the jax-js, jax-js-shim and — when PyTorch is importable — pytorch columns), the SIMD peak kernel's arithmetic, and
// the joining of external peers. No timings are asserted: figures only have to be positive numbers.
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHAINS, FLOPS_PER_ITERATION, simd128Gang, simd128Run, simd128Supported } from "../../bench/_simd128.js";
import { externalPeer } from "../../bench/_externalPeer.js";
import { workloads } from "../../bench/workloads/index.js";
import type { Row } from "../../bench/workload.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const bench = (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    );
  });

const torchImportable = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;

describe("npm run -s bench -- --json", () => {
  it("prints one JSON object with the selected new rows and every peer's column", async () => {
    const { code, stdout, stderr } = await bench(["--json", "--quick", "--only=mlp-train,simd128"]);
    expect(code, stderr).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    const result = JSON.parse(stdout) as { machine: Record<string, unknown>; rows: Row[] };
    expect(result.rows.map((r) => r.workload)).toEqual(["mlp-train", "simd128-peak"]);
    const [mlp, peak] = result.rows as [Row, Row];
    expect(mlp.unit).toBe("samples/s");
    expect(mlp.rivulet).toBeGreaterThan(0);
    for (const peer of ["tfjs-cpu", "tfjs-wasm", "jax-js", "jax-js-shim"]) expect(mlp.peers[peer], `${peer}: ${mlp.notes?.join("; ")}`).toBeGreaterThan(0);
    expect(result.machine["jaxJs"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.machine["jaxJsShim"]).toMatchObject({ threads: expect.any(Number) });
    if (torchImportable) {
      expect(mlp.peers["pytorch"]).toBeGreaterThan(0);
      expect(result.machine["pytorch"]).toMatchObject({ version: expect.stringMatching(/^\d/), threads: expect.any(Number) });
    } else {
      expect(Object.keys(mlp.peers)).not.toContain("pytorch");
      expect(result.machine["pytorch"]).toBeNull();
    }
    expect(peak.unit).toBe("GFLOP/s");
    expect(peak.group).toMatch(/SIMD/);
    expect(Object.keys(peak.peers)).toEqual(["one-thread"]);
    if (simd128Supported()) {
      expect(peak.rivulet).toBeGreaterThan(0);
      expect(peak.peers["one-thread"]).toBeGreaterThan(0);
    }
  }, 300_000);

  it("has every row the issue asks for, with jax-js versions where jax-js can run them", () => {
    const byName = new Map(workloads.map((w) => [w.name, w]));
    for (const name of ["lenet-train-step", "lenet-infer", "mlp-train", "cifar-train", "lenet-train-loop", "simd128-peak"]) expect(byName.has(name), name).toBe(true);
    for (const name of ["matmul-1024", "conv2d-forward", "conv2d-backward", "lenet-train-step", "lenet-infer", "mlp-train", "cifar-train"])
      expect(byName.get(name)?.jax, name).toBeTypeOf("function");
    expect(byName.get("lenet-train-loop")?.compare?.map((r) => r.name)).toEqual(["step-only"]);
  });
});

describe("simd128-peak's kernel", () => {
  it.skipIf(!simd128Supported())("advances every chain acc = acc·0.5 + 1 in float32, from acc_i = (i+1)/100", async () => {
    const expected = (iterations: number) => {
      let sum = 0;
      for (let i = 0; i < CHAINS; i++) {
        let acc = Math.fround((i + 1) / 100);
        for (let k = 0; k < iterations; k++) acc = Math.fround(Math.fround(acc * 0.5) + 1);
        sum = Math.fround(sum + acc);
      }
      return sum;
    };
    const run = simd128Run();
    expect(run(1)).toBe(expected(1)); // 12 + (1 + 2 + … + 12)/200 = 12.39 in float32
    expect(run(1)).toBeCloseTo(12.39, 5);
    expect(run(3)).toBe(expected(3));
    expect(run(1000)).toBe(expected(1000)); // converged to 2 per chain
    expect(FLOPS_PER_ITERATION).toBe(CHAINS * 8);
    const gang = simd128Gang(2);
    try {
      expect(await gang.run(3)).toEqual([expected(3), expected(3)]);
    } finally {
      gang.close();
    }
  });
});

describe("external peers", () => {
  const row: Row = { workload: "mlp-train", unit: "samples/s", higherIsBetter: true, rivulet: 10, peers: { "tfjs-cpu": 1 } };
  const node = (script: string) => ["-e", script];
  const quiet = () => undefined;

  it("joins a peer's figures and notes to the rows by workload name", () => {
    const out = { version: "9.9", threads: 2, rows: { "mlp-train": { value: 42 }, "cifar-train": { value: null, note: "cannot" } } };
    const peer = externalPeer("fake", process.execPath, node(`console.log("noise"); console.log(${JSON.stringify(JSON.stringify(out))})`), true, quiet);
    expect(peer.info).toEqual({ version: "9.9", threads: 2 });
    expect(peer.join(row)).toEqual({ ...row, peers: { "tfjs-cpu": 1, fake: 42 } });
    expect(peer.join({ ...row, workload: "cifar-train" })).toMatchObject({ peers: { fake: null }, notes: ["fake: n/a (cannot)"] });
    expect(peer.join({ ...row, workload: "matmul-256" })).toMatchObject({ peers: { fake: null }, notes: ["fake: n/a (no fake version of this workload)"] });
    expect(peer.describe()).toBe("fake 9.9 (2 threads)");
  });

  it("leaves the column out, saying why, when the peer is unavailable or misbehaves", () => {
    const cases: [ReturnType<typeof externalPeer>, RegExp][] = [
      [externalPeer("torch", process.execPath, node(`console.log(JSON.stringify({ unavailable: "no torch here" }))`), true, quiet), /no torch here/],
      [externalPeer("torch", process.execPath, node(`console.log("not json"); process.exit(2)`), true, quiet), /exited with status 2 without its JSON line/],
      [externalPeer("torch", process.execPath, node(`console.log("{}")`), true, quiet), /without version, threads and rows/],
      [externalPeer("torch", "/nonexistent/python3", [], true, quiet), /did not start/],
      [externalPeer("torch", process.execPath, [], false, quiet), /no row of it selected/],
    ];
    for (const [peer, reason] of cases) {
      expect(peer.reason).toMatch(reason);
      expect(peer.describe()).toMatch(reason);
      expect(peer.info).toBeUndefined();
      expect(peer.join(row)).toBe(row);
    }
  });
});

describe("measure: how many samples a call gets", () => {
  const busy = (ms: number) => () => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };

  it("samples fast calls past maxReps until 200 ms of them (at most 400), slow ones at most maxReps", async () => {
    const { measure, measureAsync } = await import("../../bench/_measure.js");
    const fast = measure(busy(0.05), { budgetMs: 2500, minReps: 3, maxReps: 15, warmMs: 0 });
    expect(fast.samples).toBeGreaterThan(15);
    expect(fast.samples).toBeLessThanOrEqual(400);
    const slow = measure(busy(20), { budgetMs: 2500, minReps: 3, maxReps: 15, warmMs: 0 });
    expect(slow.samples).toBe(15);
    expect((await measureAsync(busy(0.05), { budgetMs: 2500, minReps: 3, maxReps: 15, warmMs: 0 })).samples).toBeGreaterThan(15);
    // The quick setting stays one sample, and the budget still bounds fast calls.
    expect(measure(busy(0.05), { budgetMs: 0, minReps: 1, maxReps: 1, warmMs: 0 }).samples).toBe(1);
    expect(measure(busy(0.4), { budgetMs: 20, minReps: 3, maxReps: 15, warmMs: 0 }).samples).toBeLessThan(100);
  });
});
