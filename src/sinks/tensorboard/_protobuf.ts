// A minimal protobuf wire-format encoder: each field encodes to bytes, a message is their concatenation.
// Proto3 leaves fields at their default value out; oneof members are written whatever their value, so callers decide.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Base-128 varint; negative numbers are 64-bit two's complement (ten bytes), as protobuf encodes int32/int64. */
const varint = (value: number | bigint): number[] => {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);

const withLength = (field: number, payload: Uint8Array): Uint8Array => {
  const head = [...key(field, WIRE_LEN), ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
};

const checkInt = (field: number, v: number | bigint): void => {
  if (typeof v === "number" && !Number.isSafeInteger(v)) throw new Error(`protobuf: field ${field} needs an integer, got ${v}`);
};

/** A field's bytes, or nothing (skipped by `message`). */
export type Field = Uint8Array | undefined | false;

/** Concatenates encoded fields into a message body. */
export const message = (...fields: readonly Field[]): Uint8Array => {
  const parts = fields.filter((f): f is Uint8Array => f instanceof Uint8Array);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** int32, int64, uint32, uint64, bool and enum fields. */
export const varintField = (field: number, v: number | bigint | boolean): Uint8Array => {
  const n = typeof v === "boolean" ? (v ? 1 : 0) : v;
  checkInt(field, n);
  return Uint8Array.from([...key(field, WIRE_VARINT), ...varint(n)]);
};

export const doubleField = (field: number, v: number): Uint8Array => {
  const head = key(field, WIRE_FIXED64);
  const out = new Uint8Array(head.length + 8);
  out.set(head, 0);
  new DataView(out.buffer).setFloat64(head.length, v, true);
  return out;
};

export const floatField = (field: number, v: number): Uint8Array => {
  const head = key(field, WIRE_FIXED32);
  const out = new Uint8Array(head.length + 4);
  out.set(head, 0);
  new DataView(out.buffer).setFloat32(head.length, v, true);
  return out;
};

export const bytesField = (field: number, v: Uint8Array): Uint8Array => withLength(field, v);

export const stringField = (field: number, v: string): Uint8Array => withLength(field, new TextEncoder().encode(v));

/** An embedded message (already encoded). */
export const messageField = (field: number, body: Uint8Array): Uint8Array => withLength(field, body);

export const packedDoubles = (field: number, vs: ArrayLike<number>): Uint8Array => {
  const body = new Uint8Array(vs.length * 8);
  const view = new DataView(body.buffer);
  for (let i = 0; i < vs.length; i++) view.setFloat64(i * 8, vs[i]!, true);
  return withLength(field, body);
};

export const packedFloats = (field: number, vs: ArrayLike<number>): Uint8Array => {
  const body = new Uint8Array(vs.length * 4);
  const view = new DataView(body.buffer);
  for (let i = 0; i < vs.length; i++) view.setFloat32(i * 4, vs[i]!, true);
  return withLength(field, body);
};

export const packedVarints = (field: number, vs: readonly (number | bigint)[]): Uint8Array => {
  vs.forEach((v) => checkInt(field, v));
  return withLength(field, Uint8Array.from(vs.flatMap((v) => varint(v))));
};

/** Proto3 presence: a scalar field is written only when it differs from its default. */
export const unlessDefault = <T>(v: T | undefined, encode: (v: T) => Uint8Array): Field =>
  v === undefined || v === 0 || v === "" || v === false || (v instanceof Uint8Array && v.length === 0) ? undefined : encode(v);

/** A map<string, V> entry list: each entry is a message { key = 1; value = 2 }. */
export const mapEntries = (field: number, entries: readonly (readonly [string, Uint8Array])[]): Uint8Array[] =>
  entries.map(([k, v]) => messageField(field, message(stringField(1, k), messageField(2, v))));
