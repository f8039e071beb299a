// Metric fan-in: every process publishes its metric records to a NATS subject; one process subscribes and feeds its sinks.
import type { NatsConnection } from "@nats-io/transport-node";
import { Observable, tap, type MonoTypeOperatorFunction } from "rxjs";
import { metricRecord, type MetricRecord } from "../sinks/_metricRecord.js";
import { RemoteError } from "./RemoteError.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Publishes every value of the stream as a flat metric record (JSON) on `subject`, tagged with `source` (the
 * process's name), and passes it through. Core NATS: at most once, fire and forget, like a log line.
 * @example
 * steps$.pipe(publishMetrics(nc, "rivulet.metrics.run1", { source: "actor-3" })).subscribe();
 */
export const publishMetrics = <T>(nc: NatsConnection, subject: string, { source }: { readonly source: string }): MonoTypeOperatorFunction<T> =>
  tap((value: T) => {
    const record = { ...metricRecord("publishMetrics", value), source };
    nc.publish(subject, encoder.encode(JSON.stringify(record)));
  });

/**
 * The metric records published on `subject` (wildcards allowed: `rivulet.metrics.>`), as one stream for sinks such as
 * `toTensorBoard` or `toJsonl`. A message that is not a JSON record is reported (subject named) and skipped.
 * @example
 * metricsFrom(nc, "rivulet.metrics.>").pipe(toTensorBoard(writer)).subscribe();
 */
export const metricsFrom = (nc: NatsConnection, subject: string, { onRejected = (e: RemoteError) => void process.stderr.write(`rivulet: ${e.message}\n`) } = {}): Observable<MetricRecord> =>
  new Observable<MetricRecord>((subscriber) => {
    const sub = nc.subscribe(subject, {
      callback: (err, m) => {
        if (err !== null) return subscriber.error(new RemoteError({ failure: "closed", subject, message: `metricsFrom ${subject}: ${err.message}`, cause: err }));
        try {
          const parsed: unknown = JSON.parse(decoder.decode(m.data));
          subscriber.next(metricRecord(`metricsFrom ${m.subject}`, parsed));
        } catch (e) {
          onRejected(new RemoteError({ failure: "malformed", subject: m.subject, message: `malformed metric record on ${m.subject}: ${(e as Error).message}; dropped` }));
        }
      },
    });
    void sub.closed.then(() => subscriber.complete());
    return () => sub.unsubscribe();
  });
