// The hand-written protobuf encoders decoded by protobufjs from the .proto files: field numbers, wire types, oneofs, int64.
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../../src/sinks/tensorboard/_eventProto.js";
import { decode, protos } from "./_eventReader.js";

describe("Event encoding", () => {
  it("round-trips through protobufjs, negative and large int64 steps included", () => {
    for (const step of [0, 1, 127, 128, 2 ** 31, 2 ** 53 - 1, -1, -(2 ** 40)]) {
      const e = decode("tensorboard.Event", encodeEvent({ wallTime: 1.25, step, summary: [{ tag: "t", simpleValue: -0 }] }));
      expect(e.step ?? 0).toBe(step);
      expect(e.wall_time).toBe(1.25);
      expect(e.summary.value[0].value).toBe("simple_value");
    }
  });

  it("decodes to the same message protobufjs encodes from the same fields", () => {
    const Event = protos().lookupType("tensorboard.Event");
    const fields = {
      wall_time: 1700000000.5,
      step: 42,
      summary: {
        value: [
          { tag: "h", histo: { min: -1, max: 2, num: 3, sum: 1, sum_squares: 5, bucket_limit: [0, 1, 2], bucket: [1, 1, 1] } },
          { tag: "x", simple_value: 0.5 },
          { tag: "s", tensor: { dtype: 7, tensor_shape: { dim: [{ size: 1 }] }, string_val: [new TextEncoder().encode("hi")] }, metadata: { plugin_data: { plugin_name: "text" } } },
        ],
      },
    };
    const ours = encodeEvent({
      wallTime: 1700000000.5,
      step: 42,
      summary: [
        { tag: "h", histo: { min: -1, max: 2, num: 3, sum: 1, sumSquares: 5, bucketLimit: [0, 1, 2], bucket: [1, 1, 1] } },
        { tag: "x", simpleValue: 0.5 },
        { tag: "s", tensor: { dtype: 7, shape: [1], stringVal: [new TextEncoder().encode("hi")] }, metadata: { pluginName: "text" } },
      ],
    });
    const theirs = Event.encode(Event.fromObject(fields)).finish();
    expect(decode("tensorboard.Event", Buffer.from(ours))).toEqual(decode("tensorboard.Event", Buffer.from(theirs)));
    // Both order fields by number, so the bytes agree too.
    expect([...ours]).toEqual([...theirs]);
  });
});
