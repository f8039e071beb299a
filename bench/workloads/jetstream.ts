// Remote streams: one Fashion-MNIST-sized batch (256×1×28×28 float32 + labels) through JetStream (publish, pull, decode, ack) beside the same batch passed in-process.
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats, decodeMessage, encodeMessage, ensureConsumer, ensureStream, key, rand, randint, startNatsServer, type Delivery, type NatsServer, type Tensor } from "../../src/index.js";
import { fromJetStream } from "../../src/remote/fromJetStream.js";
import type { Runner, Task, Workload } from "../workload.js";

const BATCH = 256;

const batchOf = (): { input: Tensor; target: Tensor } => ({ input: rand(key(0), [BATCH, 1, 28, 28]), target: randint(key(1), 0, 10, [BATCH]) });

// The in-process column moves the batch through the same codec, so the difference is the network and the broker.
const inProcess: Runner = {
  name: "in-process",
  task: async (): Promise<Task> => {
    const batch = batchOf();
    return { run: () => void (decodeMessage(encodeMessage(batch)) as { input: Tensor }).input.dataSync() };
  },
};

let server: NatsServer | undefined;
let nc: NatsConnection | undefined;

const viaJetStream: Runner = {
  name: "jetstream",
  task: async (): Promise<Task | string> => {
    try {
      server = await startNatsServer();
    } catch (e) {
      return (e as Error).message;
    }
    nc = await connectNats(server.url);
    await ensureStream(nc, { name: "BENCH", subjects: ["bench.>"], workQueue: true });
    await ensureConsumer(nc, "BENCH", { name: "bench" });
    const js = jetstream(nc);
    const bytes = encodeMessage(batchOf());
    const source = fromJetStream<{ input: Tensor }>(js, { stream: "BENCH", consumer: "bench", readAhead: 1 })[Symbol.asyncIterator]();
    return {
      run: async () => {
        await js.publish("bench.batches", bytes);
        const next = await source.next();
        const d = next.value as Delivery<{ input: Tensor }>;
        d.value.input.dataSync();
        d.ack();
      },
      dispose: () => {
        void source.return?.();
        void nc?.close().then(() => server?.close());
      },
    };
  },
};

/** `jetstream-batch`: milliseconds per batch through a local nats-server, beside in-process (the difference is the per-batch overhead). */
export const jetstreamWorkloads: readonly Workload[] = [
  {
    name: "jetstream-batch",
    unit: "ms",
    higherIsBetter: false,
    score: (ms) => ms,
    // The rivulet column is the batch through JetStream; "in-process" is the floor it is compared with.
    rivulet: () => viaJetStream.task(),
    compare: [inProcess],
    skip: async () => {
      const { execFileSync } = await import("node:child_process");
      try {
        execFileSync("nats-server", ["--version"], { stdio: "ignore" });
        return undefined;
      } catch {
        return "nats-server is not installed (Debian: apt-get install nats-server)";
      }
    },
  },
];
