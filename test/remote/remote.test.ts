// Streams across processes on a real nats-server (Debian's, JetStream on loopback): codec, sources and sinks, metric fan-in, faults.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstValueFrom, from, lastValueFrom, take, toArray, map } from "rxjs";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  tensor, Tensor, encodeMessage, decodeMessage, startNatsServer, connectNats, ensureStream, ensureConsumer, fromJetStream, toJetStream,
  publishMetrics, metricsFrom, RemoteError, decodeSafetensors, type NatsServer, type Message,
} from "../../src/index.js";

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(server.url);
}, 20_000);
afterAll(async () => {
  await nc?.close();
  await server?.close();
});

describe("message codec", () => {
  it("round-trips JSON and tensors, and any safetensors reader opens the frame", () => {
    const x = tensor([[1, 2], [3, 4]]);
    const y = tensor([7, 8], { dtype: "int32" });
    const bytes = encodeMessage({ index: 3, name: "b", ok: true, none: null, batch: { input: x, target: y }, list: [1.5, y] });
    const m = decodeMessage(bytes) as { index: number; name: string; ok: boolean; none: null; batch: { input: Tensor; target: Tensor }; list: [number, Tensor] };
    expect(m.index).toBe(3);
    expect(m.name).toBe("b");
    expect(m.ok).toBe(true);
    expect(m.none).toBe(null);
    expect(m.batch.input.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(m.batch.target.dtype).toBe("int32");
    expect(m.list[0]).toBe(1.5);
    expect(m.list[1].tolist()).toEqual([7, 8]);
    // The frame is plain safetensors: the generic decoder sees the tensors and the skeleton.
    const raw = decodeSafetensors(bytes);
    expect(Object.keys(raw.tensors).length).toBe(3);
    expect(JSON.parse(raw.metadata["rivulet.message"]!)).toMatchObject({ index: 3 });
  });

  it("refuses what JSON cannot carry, naming the field", () => {
    expect(() => encodeMessage({ a: { b: Number.NaN } })).toThrow(/a\.b is NaN/);
    expect(() => encodeMessage({ when: new Date() as unknown as Message })).toThrow(/when is Date/);
  });

  it("rejects broken frames and skeletons with the source named", () => {
    expect(() => decodeMessage(new Uint8Array([1, 2, 3]), "s #1")).toThrow(/s #1: file is 3 bytes/);
    const plain = encodeMessage(1);
    const bad = new Uint8Array(plain);
    // Corrupt the skeleton's JSON inside the header, keeping the frame valid.
    const text = new TextDecoder().decode(bad);
    const at = text.indexOf('"rivulet.message":"1"');
    expect(at).toBeGreaterThan(0);
    bad[at + '"rivulet.message":"'.length] = "{".charCodeAt(0);
    expect(() => decodeMessage(bad, "s #2")).toThrow(/s #2: the "rivulet.message" metadata is not JSON/);
  });
});

describe("toJetStream and fromJetStream", () => {
  it("publishes with de-duplication and consumes on demand, acknowledging after use", async () => {
    await ensureStream(nc, { name: "T1", subjects: ["t1.>"] });
    await ensureConsumer(nc, "T1", { name: "c1" });
    const js = jetstream(nc);
    const values = [0, 1, 2, 1, 3].map((i) => ({ i, x: tensor([i, i]) }));
    const published = await lastValueFrom(from(values).pipe(toJetStream(js, { subject: "t1.a", msgId: (v) => `id-${v.i}` }), toArray()));
    expect(published.map((p) => p.duplicate)).toEqual([false, false, false, true, false]);
    const got = await lastValueFrom(
      fromJetStream<{ i: number; x: Tensor }>(js, { stream: "T1", consumer: "c1" }).pipe(
        take(4),
        map((d) => {
          d.ack();
          return [d.value.i, d.value.x.tolist(), d.seq] as const;
        }),
        toArray(),
      ),
    );
    expect(got).toEqual([[0, [0, 0], 1], [1, [1, 1], 2], [2, [2, 2], 3], [3, [3, 3], 4]]);
  });

  it("redelivers a message that was not acknowledged", async () => {
    await ensureStream(nc, { name: "T2", subjects: ["t2.>"] });
    await ensureConsumer(nc, "T2", { name: "c2", ackWaitMs: 300 });
    const js = jetstream(nc);
    await js.publish("t2.a", encodeMessage({ n: 1 }));
    const first = await firstValueFrom(fromJetStream<{ n: number }>(js, { stream: "T2", consumer: "c2" }));
    expect(first.redelivered).toBe(false); // taken, never acknowledged: as if the process died
    const again = await firstValueFrom(fromJetStream<{ n: number }>(js, { stream: "T2", consumer: "c2" }));
    expect(again.value.n).toBe(1);
    expect(again.redelivered).toBe(true);
    again.ack();
  });

  it("rejects a malformed message with its subject and sequence number and goes on", async () => {
    await ensureStream(nc, { name: "T3", subjects: ["t3.>"] });
    await ensureConsumer(nc, "T3", { name: "c3" });
    const js = jetstream(nc);
    await js.publish("t3.a", new TextEncoder().encode("not a frame"));
    await js.publish("t3.a", encodeMessage({ n: 2 }));
    const rejected: RemoteError[] = [];
    const d = await firstValueFrom(fromJetStream<{ n: number }>(js, { stream: "T3", consumer: "c3", onRejected: (e) => rejected.push(e) }));
    d.ack();
    expect(d.value.n).toBe(2);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.failure).toBe("malformed");
    expect(rejected[0]!.message).toMatch(/malformed message on t3\.a \(stream sequence 1\)/);
  });

  it("names the subject when no stream stores it", async () => {
    const js = jetstream(nc);
    await expect(lastValueFrom(from([1]).pipe(toJetStream(js, { subject: "nowhere.x" })))).rejects.toThrow(/publishing to nowhere\.x failed/);
  });

  it("keeps at most readAhead messages in flight for a slow consumer", async () => {
    await ensureStream(nc, { name: "T4", subjects: ["t4.>"] });
    await ensureConsumer(nc, "T4", { name: "c4" });
    const js = jetstream(nc);
    for (let i = 0; i < 20; i++) await js.publish("t4.a", encodeMessage(i));
    const source = fromJetStream<number>(js, { stream: "T4", consumer: "c4", readAhead: 2 });
    const seen: number[] = [];
    for await (const d of source) {
      seen.push(d.value);
      d.ack();
      if (seen.length === 3) {
        await new Promise((r) => setTimeout(r, 300));
        break;
      }
    }
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const info = await (await jetstreamManager(nc)).consumers.info("T4", "c4");
    // Delivered = taken by this client; the rest wait on the server until asked for.
    expect(info.delivered.consumer_seq).toBeLessThanOrEqual(3 + 2);
    expect(info.num_pending).toBeGreaterThanOrEqual(20 - 5);
  });
});

describe("metric fan-in", () => {
  it("gathers the records of several publishers into one stream", async () => {
    const records = firstValueFrom(metricsFrom(nc, "rivulet.metrics.>").pipe(take(4), toArray()));
    await new Promise((r) => setTimeout(r, 50));
    const a = await connectNats(server.url);
    const b = await connectNats(server.url);
    await lastValueFrom(from([{ step: 1, loss: 0.5 }, { step: 2, loss: 0.25 }]).pipe(publishMetrics(a, "rivulet.metrics.a", { source: "actor-a" })));
    await lastValueFrom(from([{ step: 1, loss: 0.75 }, { step: 2, loss: tensor(0.5) }]).pipe(publishMetrics(b, "rivulet.metrics.b", { source: "actor-b" })));
    await a.flush();
    await b.flush();
    const got = await records;
    expect(got.filter((r) => r.source === "actor-a").map((r) => r.loss)).toEqual([0.5, 0.25]);
    expect(got.filter((r) => r.source === "actor-b").map((r) => r.loss)).toEqual([0.75, 0.5]);
    await a.close();
    await b.close();
  });
});

describe("faults", () => {
  it("a server that is down is one clear error after bounded retries", async () => {
    const t0 = Date.now();
    const err = await connectNats("nats://127.0.0.1:1", { retries: 3, retryDelayMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).failure).toBe("unavailable");
    expect((err as RemoteError).message).toMatch(/cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1 after 3 tries/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("refuses a URL that is not one", async () => {
    await expect(connectNats("http//x")).rejects.toThrow(/expected a server URL like nats:\/\/127\.0\.0\.1:4222/);
  });
});

describe("a server that goes down", () => {
  it("ends a consuming source with a RemoteError after bounded reconnect attempts", async () => {
    const own = await startNatsServer();
    const c = await connectNats(own.url, { maxReconnectAttempts: 3, retryDelayMs: 100 });
    try {
      await ensureStream(c, { name: "DOWN", subjects: ["down.>"] });
      await ensureConsumer(c, "DOWN", { name: "c" });
      const js = jetstream(c);
      await js.publish("down.a", encodeMessage(1));
      const seen: number[] = [];
      const t0 = Date.now();
      const done = lastValueFrom(fromJetStream<number>(js, { stream: "DOWN", consumer: "c" }).pipe(map((d) => (d.ack(), seen.push(d.value), d.value))));
      await new Promise((r) => setTimeout(r, 300));
      await own.close();
      const err = await done.catch((e: unknown) => e);
      expect(seen).toEqual([1]);
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).failure).toBe("closed");
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      await c.close().catch(() => undefined);
      await own.close();
    }
  }, 30_000);
});
