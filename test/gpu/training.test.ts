// Training streams on WebGPU: loader → trainSteps → epochs matches the CPU, memory stays flat by donation, metrics read back asynchronously.
import { afterAll, describe, expect, it } from "vitest";
import { lastValueFrom, tap, toArray } from "rxjs";
import {
  loader, trainStep, trainState, trainSteps, epochs, evaluation, gradientAccumulation, mapAsync, sgd, crossEntropy, accuracy, nn, key, randn, tensor, toDevice, cpuDevice,
  treeLeavesWithPaths, type Dataset, type LoaderBatch, type LossFn, type Sample, type Tensor, type TrainState,
} from "../../src/index.js";
import { expectClose } from "../_harness.js";
import { openTestGpu } from "./_gpu.js";

const gpu = await openTestGpu();
afterAll(() => gpu.close());

// A tiny MLP with dropout (the step's key reaches the GPU's Threefry) on 10 samples of 6 features in 3 classes.
const model = nn.sequential([nn.linear({ inFeatures: 6, outFeatures: 8 }), nn.relu(), nn.dropout({ p: 0.25 }), nn.linear({ inFeatures: 8, outFeatures: 3 })]);
type Params = ReturnType<typeof model.init>["params"];
type Batch = { input: Tensor; target: Tensor };

const data = (n: number): Dataset<Sample<Tensor>> => {
  const x = randn(key(11), [n, 6]).tolist() as number[][];
  return { length: n, get: (i) => ({ input: tensor(x[i]!), target: (i * 5 + 1) % 3 }) };
};

const lossFn: LossFn<Params, Batch> = (p, { input, target }, ctx) => {
  const out = model.apply({ params: p, state: {} }, input, { training: ctx.training, key: ctx.key }).output;
  return [crossEntropy(out, target), { metrics: { accuracy: accuracy(out, target) } }];
};

const optimizer = sgd({ lr: 0.3, momentum: 0.9 });
const state0 = () => trainState({ params: model.init(key(3)).params, optimizer, seed: 5 });
const loaderOptions = { batchSize: 4, shuffle: true, seed: 2 } as const;

const weight0 = (p: Params): Tensor => (p["0"] as Params)["weight"] as Tensor;
const paramsOf = async <S>(s: TrainState<Params, S>) => treeLeavesWithPaths(await toDevice(s.params, cpuDevice));

describe.skipIf(!gpu.device)("training streams on WebGPU", () => {
  it("loader → trainSteps → epochs reaches the CPU's params, with allocated GPU bytes flat across epochs", async () => {
    const dev = gpu.device!;
    const step = trainStep({ loss: lossFn, optimizer });
    const s0 = state0();
    const cpu = await lastValueFrom(loader(data(10), loaderOptions).epochs(4).pipe(trainSteps(step, s0), epochs(), toArray()));

    const allocated: number[] = [];
    const created: number[] = [];
    const submissionsBefore = dev.stats().submissions;
    const onGpu = await lastValueFrom(
      loader(data(10), { ...loaderOptions, device: dev }).epochs(4).pipe(
        trainSteps(step, s0, { device: dev }),
        epochs(),
        tap(() => { allocated.push(dev.stats().allocatedBytes); created.push(dev.stats().created); }),
        toArray(),
      ),
    );
    expect(onGpu.map((e) => [e.epoch, e.steps, e.samples])).toEqual([[0, 3, 10], [1, 3, 10], [2, 3, 10], [3, 3, 10]]);
    // Each step's work (metrics packed in) is one submission; the readback's copy goes with its own.
    expect(dev.stats().submissions - submissionsBefore).toBeLessThanOrEqual(12);
    for (const [g, c] of onGpu.map((e, i) => [e, cpu[i]!] as const)) {
      expect(g.train.loss!).toBeCloseTo(c.train.loss!, 5);
      expect(g.train.accuracy!).toBeCloseTo(c.train.accuracy!, 6);
    }
    const [g, c] = [await paramsOf(onGpu[3]!.state), await paramsOf(cpu[3]!.state)];
    expect(g.map((l) => l.path)).toEqual(c.map((l) => l.path));
    for (const [a, b] of g.map((l, i) => [l, c[i]!] as const)) expectClose(a.tensor, b.tensor, { atol: 1e-5, rtol: 1e-4 }, a.path);
    // After the first epoch (pipelines, first buffers) not one more buffer is created: donation recycles everything.
    expect(allocated.slice(1)).toEqual([allocated[1], allocated[1], allocated[1]]);
    expect(created.slice(1)).toEqual([created[1], created[1], created[1]]);
    // The loader's batches went up once each, and the CPU's initial state was left alone (a second run gives the same).
    expect(weight0(s0.params).device).toBe(cpuDevice);
    const again = await lastValueFrom(loader(data(10), { ...loaderOptions, device: dev }).epochs(4).pipe(trainSteps(step, s0, { device: dev }), epochs(), toArray()));
    for (const [a, b] of (await paramsOf(again[3]!.state)).map((l, i) => [l, g[i]!] as const)) expectClose(a.tensor, b.tensor, { atol: 0, rtol: 0 }, a.path);
  }, 120_000);

  it("evaluation on a device loader gives the CPU's test loss and accuracy (metrics read back asynchronously)", async () => {
    const dev = gpu.device!;
    const state = state0();
    const cpu = await evaluation(loader(data(10), { batchSize: 4 }), lossFn, state);
    const onGpu = await evaluation(loader(data(10), { batchSize: 4, device: dev }), lossFn, { ...state, params: await toDevice(state.params, dev) });
    expect(onGpu.loss!).toBeCloseTo(cpu.loss!, 5);
    expect(onGpu.accuracy).toBe(cpu.accuracy);
    // A CPU loader works too: each batch follows the params to the device.
    const fromCpuLoader = await evaluation(loader(data(10), { batchSize: 4 }), lossFn, { ...state, params: await toDevice(state.params, dev) });
    expect(fromCpuLoader.loss!).toBeCloseTo(cpu.loss!, 5);
  }, 60_000);

  it("epoch states copied to the CPU in a mapAsync (before the next step donates them) are all readable", async () => {
    const dev = gpu.device!;
    const step = trainStep({ loss: lossFn, optimizer });
    const copies = await lastValueFrom(
      loader(data(10), { ...loaderOptions, device: dev }).epochs(3).pipe(
        trainSteps(step, state0(), { device: dev }),
        epochs(),
        mapAsync(async (e) => ({ ...e, state: await toDevice(e.state, cpuDevice) })),
        toArray(),
      ),
    );
    expect(copies.map((e) => [e.epoch, e.state.step, weight0(e.state.params).device === cpuDevice])).toEqual([[0, 3, true], [1, 6, true], [2, 9, true]]);
    expect(weight0(copies[1]!.state.params).tolist()).not.toEqual(weight0(copies[2]!.state.params).tolist());
  });

  it("the loader uploads each batch to its device, marked as the step's to release", async () => {
    const dev = gpu.device!;
    const batches = await lastValueFrom(loader(data(5), { batchSize: 2, device: dev }).epochs(1).pipe(toArray()));
    expect(batches.map((b) => [b.samples, b.uploaded, b.batch.input.device === dev, b.batch.target.dtype])).toEqual([
      [2, true, true, "int32"], [2, true, true, "int32"], [1, true, true, "int32"],
    ]);
    expect(await batches[2]!.batch.input.array()).toEqual([(await data(5).get(4)).input.tolist()]);
    // Without a device nothing changes: CPU batches, no flag.
    const plain = await lastValueFrom(loader(data(5), { batchSize: 2 }).epochs(1).pipe(toArray()));
    expect(plain.map((b) => [b.batch.input.device === cpuDevice, "uploaded" in b])).toEqual([[true, false], [true, false], [true, false]]);
    expect(() => loader(data(5), { device: "webgpu" as never })).toThrow('loader: device must be a device (cpuDevice, or a WebGPU device from openDevice or Device.layer), got "string"');
  });

  it("a step on WebGPU is asynchronous, donates the state it made before, and keeps it with donate: false", async () => {
    const dev = gpu.device!;
    const step = trainStep({ loss: lossFn, optimizer });
    const s0 = await toDevice(state0(), dev);
    const batches = await lastValueFrom(loader(data(8), { batchSize: 4, device: dev }).epochs(1).pipe(toArray()));
    const first = step(s0, batches[0]!);
    expect(first).toBeInstanceOf(Promise);
    const s1 = await first;
    expect(Object.keys(s1.metrics)).toEqual(["loss", "accuracy"]);
    const s2 = await step(s1.state, batches[1]!);
    // s1 was made by the step and replaced by s2: its params were released; the batch the loader uploaded too.
    await expect(weight0(s1.state.params).data()).rejects.toThrow("this tensor's GPU memory was released when the step scope");
    await expect(batches[1]!.batch.input.data()).rejects.toThrow("released");
    // s0 was not made by the step (the caller's initial state): it stays usable.
    expect((await weight0(s0.params).data()).length).toBe(48);
    expect(s2.state.step).toBe(2);

    // (batches[0] went with the first step; batches on the CPU are moved inside the step and never donated.)
    const cpuBatches = await lastValueFrom(loader(data(8), { batchSize: 4 }).epochs(1).pipe(toArray()));
    const keep = trainStep({ loss: lossFn, optimizer, donate: false });
    const k1 = await keep(s0, cpuBatches[0]!);
    const k2 = await keep(k1.state, cpuBatches[1]!);
    expect((await weight0(k1.state.params).data()).length).toBe(48);
    expect(k2.state.step).toBe(2);
  });

  it("moves CPU batches and a CPU state to the step's device, and accumulates gradients there as on the CPU", async () => {
    const dev = gpu.device!;
    const onGpu = trainStep({ loss: lossFn, optimizer, device: dev });
    const onCpu = trainStep({ loss: lossFn, optimizer });
    const run = (step: typeof onCpu) => lastValueFrom(loader(data(10), { batchSize: 2 }).epochs(1).pipe(gradientAccumulation(2), trainSteps(step, state0()), toArray()));
    const [g, c] = [await run(onGpu), await run(onCpu)];
    expect(g.map((s) => s.state.step)).toEqual(c.map((s) => s.state.step));
    expect(weight0(g.at(-1)!.state.params).device).toBe(dev);
    for (const [a, b] of (await paramsOf(g.at(-1)!.state)).map((l, i) => [l, treeLeavesWithPaths(c.at(-1)!.state.params)[i]!] as const))
      expectClose(a.tensor, b.tensor, { atol: 1e-5, rtol: 1e-4 }, a.path);
    g.forEach((s, i) => expect(s.metrics.loss).toBeCloseTo(c[i]!.metrics.loss!, 5));
  });

  it("a failing loss fails the step and leaves the state it was given intact", async () => {
    const dev = gpu.device!;
    const lossOrFail: LossFn<Params, Batch> = (p, b, ctx) =>
      ctx.step === 0 ? lossFn(p, b, ctx) : [crossEntropy(model.forward(p, b.input), b.target), { metrics: { oops: b.input } }];
    const step = trainStep({ loss: lossOrFail, optimizer, device: dev });
    const [b0, b1] = await lastValueFrom(loader(data(8), { batchSize: 4, device: dev }).epochs(1).pipe(toArray()));
    const s1 = await step(await toDevice(state0(), dev), b0!);
    await expect(step(s1.state, b1!)).rejects.toThrow('trainStep: metric "oops" must be a number or a one-element tensor, got shape [4, 6]');
    expect((await weight0(s1.state.params).data()).length).toBe(48); // made by the step, but not donated: the step failed
    await expect(lastValueFrom(loader(data(8), { batchSize: 4, device: dev }).epochs(1).pipe(trainSteps(step, state0())))).rejects.toThrow('metric "oops"');
  });
});
