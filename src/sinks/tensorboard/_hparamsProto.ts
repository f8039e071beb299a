// Encoders for the hparams plugin's data (plugins/hparams/api.proto and plugin_data.proto, google.protobuf.Value),
// building the three summaries torch.utils.tensorboard.summary.hparams writes.
import { doubleField, mapEntries, message, messageField, stringField, varintField } from "./_protobuf.js";

/** A hyperparameter value, as the hparams plugin stores it (google.protobuf.Value kinds). */
export type HParamValue = number | string | boolean;

// google.protobuf.Value: number_value = 2, string_value = 3, bool_value = 4 (a oneof: always written).
const encodeValue = (v: HParamValue): Uint8Array =>
  typeof v === "number" ? message(doubleField(2, v)) : typeof v === "string" ? message(stringField(3, v)) : message(varintField(4, v));

const DATA_TYPE = { string: 1, boolean: 2, number: 3 } as const; // DATA_TYPE_STRING, _BOOL, _FLOAT64
const STATUS_SUCCESS = 1;

// HParamsPluginData { version = 1 (0, omitted); experiment = 2 | session_start_info = 3 | session_end_info = 4 }
const pluginData = (field: 2 | 3 | 4, body: Uint8Array): Uint8Array => message(messageField(field, body));

/** The experiment: each hparam's name and type (with its discrete domain when given), and each metric's tag. */
export const encodeExperiment = (
  hparams: readonly (readonly [string, HParamValue])[],
  metrics: readonly string[],
  domains: Readonly<Record<string, readonly HParamValue[]>>,
): Uint8Array =>
  pluginData(
    2,
    message(
      ...hparams.map(([name, v]) =>
        messageField(
          4,
          message(
            stringField(1, name),
            varintField(4, DATA_TYPE[typeof v as "number" | "string" | "boolean"]),
            // domain_discrete = 5: google.protobuf.ListValue { repeated Value values = 1 }
            domains[name] && messageField(5, message(...domains[name]!.map((d) => messageField(1, encodeValue(d))))),
          ),
        ),
      ),
      // MetricInfo { name = 1: MetricName { tag = 2 } }
      ...metrics.map((tag) => messageField(5, message(messageField(1, message(stringField(2, tag)))))),
    ),
  );

/** SessionStartInfo { map<string, Value> hparams = 1 }. */
export const encodeSessionStart = (hparams: readonly (readonly [string, HParamValue])[]): Uint8Array =>
  pluginData(3, message(...mapEntries(1, hparams.map(([k, v]) => [k, encodeValue(v)] as const))));

/** SessionEndInfo { status = STATUS_SUCCESS }. */
export const encodeSessionEnd = (): Uint8Array => pluginData(4, message(varintField(1, STATUS_SUCCESS)));
