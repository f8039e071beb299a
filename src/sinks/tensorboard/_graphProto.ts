// Encoders for GraphDef, NodeDef, AttrValue and the RunMetadata stub torch.utils.tensorboard writes next to a graph
// (graph.proto, node_def.proto, attr_value.proto, versions.proto, config.proto, step_stats.proto in proto/).
import { bytesField, mapEntries, message, messageField, stringField, varintField } from "./_protobuf.js";
import { encodeTensorShape } from "./_eventProto.js";

/** A NodeDef as the graph plugin reads it: name, op, inputs and two attrs (`_output_shapes`, and `attr` as text). */
export interface NodeProto {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  /** Shape of each output (one here: rivulet ops have a single output). */
  readonly outputShapes: readonly (readonly number[])[];
  /** Free text shown in the node's info card (PyTorch puts the op's attributes there). */
  readonly attributes: string;
}

const attrString = (s: string): Uint8Array => message(bytesField(2, new TextEncoder().encode(s)));
// AttrValue { list = 1: ListValue { shape = 7 (repeated TensorShapeProto) } }
const attrShapes = (shapes: readonly (readonly number[])[]): Uint8Array =>
  message(messageField(1, message(...shapes.map((s) => messageField(7, encodeTensorShape(s))))));

const encodeNode = (n: NodeProto): Uint8Array =>
  message(
    stringField(1, n.name),
    stringField(2, n.op),
    ...n.input.map((i) => stringField(3, i)),
    // map<string, AttrValue> attr = 5, in the order PyTorch's node_proto fills it.
    ...mapEntries(5, [
      ...(n.attributes ? [["attr", attrString(n.attributes)] as const] : []),
      ["_output_shapes", attrShapes(n.outputShapes)] as const,
    ]),
  );

/** GraphDef { node = 1; versions = 4 { producer = 22 } }: the producer version PyTorch writes. */
export const encodeGraphDef = (nodes: readonly NodeProto[]): Uint8Array =>
  message(...nodes.map((n) => messageField(1, encodeNode(n))), messageField(4, message(varintField(1, 22))));

/** RunMetadata { step_stats { dev_stats { device } } }, the stub PyTorch tags "step1" beside every graph. */
export const encodeRunMetadata = (device: string): Uint8Array =>
  message(messageField(1, message(messageField(1, message(stringField(1, device))))));
