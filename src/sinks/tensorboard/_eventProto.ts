// Encoders for TensorBoard's Event and Summary protos (event.proto, summary.proto, histogram.proto, tensor.proto,
// tensor_shape.proto in proto/), field numbers as TensorBoard defines them; tests decode the output with protobufjs.
import {
  bytesField, doubleField, floatField, message, messageField, packedDoubles, packedFloats, stringField, unlessDefault, varintField,
  type Field,
} from "./_protobuf.js";

/** tensorboard.DataType values used here (types.proto). */
export const DT_FLOAT = 1;
export const DT_STRING = 7;

/** Summary.Image: dimensions, colorspace (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) and the encoded PNG. */
export interface ImageProto {
  readonly height: number;
  readonly width: number;
  readonly colorspace: number;
  readonly encodedImageString: Uint8Array;
}

/** HistogramProto: summary statistics and parallel arrays of right bucket limits and counts. */
export interface HistogramProto {
  readonly min: number;
  readonly max: number;
  readonly num: number;
  readonly sum: number;
  readonly sumSquares: number;
  readonly bucketLimit: readonly number[];
  readonly bucket: readonly number[];
}

/** TensorProto, restricted to the representations rivulet writes (float_val, string_val). */
export interface TensorProto {
  readonly dtype: number;
  readonly shape: readonly number[];
  readonly floatVal?: ArrayLike<number>;
  readonly stringVal?: readonly Uint8Array[];
}

/** SummaryMetadata with its plugin data. */
export interface SummaryMetadata {
  readonly pluginName: string;
  readonly content?: Uint8Array;
}

/** Summary.Value: a tag, optional metadata and one of the value kinds. */
export interface SummaryValue {
  readonly tag: string;
  readonly metadata?: SummaryMetadata;
  readonly simpleValue?: number;
  readonly image?: ImageProto;
  readonly histo?: HistogramProto;
  readonly tensor?: TensorProto;
}

/** Event: wall time, step and one of file_version, graph_def, summary, tagged_run_metadata. */
export interface EventProto {
  readonly wallTime: number;
  readonly step?: number;
  readonly fileVersion?: string;
  readonly graphDef?: Uint8Array;
  readonly summary?: readonly SummaryValue[];
  readonly taggedRunMetadata?: { readonly tag: string; readonly runMetadata: Uint8Array };
  readonly sourceWriter?: string;
}

export const encodeTensorShape = (shape: readonly number[]): Uint8Array =>
  message(...shape.map((d) => messageField(2, message(unlessDefault(d, (v) => varintField(1, v))))));

const encodeImage = (im: ImageProto): Uint8Array =>
  message(
    unlessDefault(im.height, (v) => varintField(1, v)),
    unlessDefault(im.width, (v) => varintField(2, v)),
    unlessDefault(im.colorspace, (v) => varintField(3, v)),
    unlessDefault(im.encodedImageString, (v) => bytesField(4, v)),
  );

const encodeHistogram = (h: HistogramProto): Uint8Array =>
  message(
    unlessDefault(h.min, (v) => doubleField(1, v)),
    unlessDefault(h.max, (v) => doubleField(2, v)),
    unlessDefault(h.num, (v) => doubleField(3, v)),
    unlessDefault(h.sum, (v) => doubleField(4, v)),
    unlessDefault(h.sumSquares, (v) => doubleField(5, v)),
    h.bucketLimit.length > 0 && packedDoubles(6, h.bucketLimit),
    h.bucket.length > 0 && packedDoubles(7, h.bucket),
  );

const encodeTensor = (t: TensorProto): Uint8Array =>
  message(
    unlessDefault(t.dtype, (v) => varintField(1, v)),
    // tensor_shape is always present, even for a 0-d tensor, as TensorFlow writes it.
    messageField(2, encodeTensorShape(t.shape)),
    t.floatVal && t.floatVal.length > 0 && packedFloats(5, t.floatVal),
    ...(t.stringVal ?? []).map((s) => bytesField(8, s)),
  );

const encodeMetadata = (m: SummaryMetadata): Uint8Array =>
  message(messageField(1, message(unlessDefault(m.pluginName, (v) => stringField(1, v)), unlessDefault(m.content, (v) => bytesField(2, v)))));

const encodeValue = (v: SummaryValue): Uint8Array =>
  message(
    unlessDefault(v.tag, (s) => stringField(1, s)),
    // The value kinds are a oneof: a set one is written even when it is 0.
    v.simpleValue !== undefined && floatField(2, v.simpleValue),
    v.image && messageField(4, encodeImage(v.image)),
    v.histo && messageField(5, encodeHistogram(v.histo)),
    v.tensor && messageField(8, encodeTensor(v.tensor)),
    v.metadata && messageField(9, encodeMetadata(v.metadata)),
  );

/** Serialises an Event message. */
export const encodeEvent = (e: EventProto): Uint8Array => {
  const fields: Field[] = [
    doubleField(1, e.wallTime),
    unlessDefault(e.step, (v) => varintField(2, v)),
    e.fileVersion !== undefined && stringField(3, e.fileVersion),
    e.graphDef && bytesField(4, e.graphDef),
    e.summary && messageField(5, message(...e.summary.map((v) => messageField(1, encodeValue(v))))),
    e.taggedRunMetadata &&
      messageField(8, message(stringField(1, e.taggedRunMetadata.tag), bytesField(2, e.taggedRunMetadata.runMetadata))),
    e.sourceWriter !== undefined && messageField(10, message(stringField(1, e.sourceWriter))),
  ];
  return message(...fields);
};

/** Plugin data of the text plugin (TextPluginData, version 0: an empty message). */
export const TEXT_PLUGIN_CONTENT = new Uint8Array(0);

/** PrCurvePluginData { version = 1; num_thresholds = 2 }. */
export const encodePrCurvePluginData = (numThresholds: number): Uint8Array =>
  message(unlessDefault(numThresholds, (v) => varintField(2, v)));
