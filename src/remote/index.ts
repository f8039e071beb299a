// Public face of src/remote: rivulet's streams across processes and machines, on NATS JetStream.
export { RemoteError, type RemoteFailure } from "./RemoteError.js";
export { encodeMessage, decodeMessage, type Message } from "./messageCodec.js";
export { startNatsServer, NatsServer, type NatsServerOptions } from "./natsServer.js";
export { connectNats, type ConnectNatsOptions } from "./connectNats.js";
export { ensureStream, ensureConsumer, type StreamOptions, type ConsumerOptions } from "./jetStreamSetup.js";
export { fromJetStream, type Delivery, type FromJetStreamOptions } from "./fromJetStream.js";
export { toJetStream, type Published, type ToJetStreamOptions } from "./toJetStream.js";
export { publishMetrics, metricsFrom } from "./metricsFanIn.js";
export { remoteLoader, serveDataPreparation, type RemoteLoader, type RemoteLoaderOptions, type PreparedBatch, type ServeDataPreparationOptions } from "./dataPreparation.js";
export { serveActor, ppoFromActors, concatRollouts, type ActorOptions, type PpoFromActorsOptions, type RemotePpoMetrics } from "./rlActors.js";
