// The command line's values, decoded with io-ts: each codec turns the text of one option into a typed value or says what it accepts.
import { existsSync, statSync } from "node:fs";
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { closest } from "./closest.js";
import { usage } from "./errors.js";
import type { FlagKind, FlagSpec, ParsedArgv } from "./argv.js";
import { MODEL_NAMES } from "./models.js";
import { DATASET_FORMS, type DatasetSpec } from "./data.js";

/** What a flag holds before decoding: its text, a switch's boolean, or nothing when it was not given. */
type Raw = string | boolean | undefined;

const describeRaw = (u: unknown): string => (typeof u === "string" ? JSON.stringify(u) : u === true ? "no value" : String(u));

/** A codec from the option's text, failing with `message(text)` when `parse` returns undefined. */
const fromText = <A>(name: string, parse: (s: string) => A | undefined, expected: (u: unknown) => string): t.Type<A, Raw, unknown> =>
  new t.Type<A, Raw, unknown>(
    name,
    (u): u is A => u !== undefined,
    (u, c) => {
      const v = typeof u === "string" ? parse(u) : undefined;
      return v === undefined ? t.failure(u, c, expected(u)) : t.success(v);
    },
    (a) => String(a),
  );

const INT = /^[+]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A whole number ≥ `min`, written in decimal. */
export const integer = (min: number): t.Type<number, Raw, unknown> =>
  fromText(`integer ≥ ${min}`, (s) => (INT.test(s) && Number(s) >= min && Number.isSafeInteger(Number(s)) ? Number(s) : undefined),
    (u) => `expected ${min === 1 ? "a positive integer" : `an integer ≥ ${min}`}, got ${describeRaw(u)}`);

/** A finite number, > 0 when `positive`, else ≥ 0. */
export const number = ({ positive }: { readonly positive: boolean }): t.Type<number, Raw, unknown> =>
  fromText(positive ? "positive number" : "non-negative number",
    (s) => (NUMBER.test(s.trim()) && (positive ? Number(s) > 0 : Number(s) >= 0) ? Number(s) : undefined),
    (u) => `expected ${positive ? "a positive number" : "a number ≥ 0"} (e.g. 0.1 or 1e-3), got ${describeRaw(u)}`);

/** One of a fixed list of words; a near miss gets a "did you mean". */
export const oneOf = <const W extends string>(what: string, words: readonly W[]): t.Type<W, Raw, unknown> =>
  fromText(what, (s) => (words as readonly string[]).includes(s) ? (s as W) : undefined, (u) => {
    const hint = typeof u === "string" ? closest(u, words) : undefined;
    return `${typeof u === "string" ? `unknown ${what} ${JSON.stringify(u)}` : `expected a ${what}, got ${describeRaw(u)}`}` +
      `${hint === undefined ? "" : ` (did you mean "${hint}"?)`}; expected one of: ${words.join(", ")}`;
  });

/** A zoo model name (`nn.zoo`'s constructor names). */
export const modelName = oneOf("model", MODEL_NAMES);

/** An existing file (a checkpoint, an image). */
export const existingFile = (what: string): t.Type<string, Raw, unknown> =>
  fromText(what, (s) => (s !== "" && existsSync(s) && statSync(s).isFile() ? s : undefined),
    (u) => (typeof u === "string" ? `${what} ${JSON.stringify(u)} ${existsSync(u) ? "is not a file" : "does not exist"}` : `expected the path of ${what}, got ${describeRaw(u)}`));

/** Any path (one that need not exist yet: a log directory, a checkpoint to write). */
export const path = (what: string): t.Type<string, Raw, unknown> =>
  fromText(what, (s) => (s === "" ? undefined : s), (u) => `expected ${what}, got ${describeRaw(u)}`);

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** `--dataset`: a built-in name, `image-folder:PATH` (an existing folder) or `csv:PATH` (an existing file). */
export const datasetSpec: t.Type<DatasetSpec, Raw, unknown> = new t.Type<DatasetSpec, Raw, unknown>(
  "dataset",
  (u): u is DatasetSpec => typeof u === "object" && u !== null && "kind" in u,
  (u, c) => {
    if (typeof u !== "string") return t.failure(u, c, `expected a dataset, got ${describeRaw(u)}; expected one of: ${DATASET_FORMS.join(", ")}`);
    if (u === "fashion-mnist" || u === "mnist" || u === "cifar10") return t.success({ kind: u });
    const m = /^(image-folder|csv):(.+)$/.exec(u);
    if (m === null) {
      const hint = closest(u.split(":")[0]!, ["fashion-mnist", "mnist", "cifar10", "image-folder", "csv"]);
      return t.failure(u, c, `unknown dataset ${JSON.stringify(u)}${hint === undefined ? "" : ` (did you mean "${hint}"?)`}; expected one of: ${DATASET_FORMS.join(", ")}`);
    }
    const [kind, p] = [m[1] as "image-folder" | "csv", m[2]!];
    if (kind === "image-folder" && !isDir(p)) return t.failure(u, c, `image-folder: ${JSON.stringify(p)} ${existsSync(p) ? "is not a folder" : "does not exist"} (expected a folder with one sub-folder of images per class)`);
    if (kind === "csv" && !(existsSync(p) && statSync(p).isFile())) return t.failure(u, c, `csv: ${JSON.stringify(p)} ${existsSync(p) ? "is not a file" : "does not exist"}`);
    return t.success({ kind, path: p });
  },
  (s) => ("path" in s ? `${s.kind}:${s.path}` : s.kind),
);

/** `--input 1,28,28`: the shape of one sample, comma-separated positive integers. */
export const inputShape = fromText<readonly number[]>("input shape",
  (s) => {
    const parts = s.split(/[,x×]/).map((p) => p.trim());
    return parts.length >= 1 && parts.length <= 3 && parts.every((p) => /^\d+$/.test(p) && Number(p) > 0) ? parts.map(Number) : undefined;
  },
  (u) => `expected the shape of one sample as 1 to 3 comma-separated positive integers (e.g. 1,28,28 or 784), got ${describeRaw(u)}`);

/** A switch (`--json`, `--no-download`). */
export const flag: t.Type<boolean, Raw, unknown> = new t.Type<boolean, Raw, unknown>(
  "switch", (u): u is boolean => typeof u === "boolean",
  (u, c) => (typeof u === "boolean" ? t.success(u) : t.failure(u, c, `is a switch and takes no value, got ${describeRaw(u)}`)), (a) => a,
);

/** `codec`, or `fallback` when the option was not given. */
export const withDefault = <A>(codec: t.Type<A, Raw, unknown>, fallback: A): t.Type<A, Raw, unknown> =>
  new t.Type<A, Raw, unknown>(codec.name, codec.is, (u, c) => (u === undefined ? t.success(fallback) : codec.validate(u, c)), codec.encode);

/** `codec`, or undefined when the option was not given. */
export const optional = <A>(codec: t.Type<A, Raw, unknown>): t.Type<A | undefined, Raw, unknown> =>
  new t.Type<A | undefined, Raw, unknown>(codec.name, (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined ? t.success(undefined) : codec.validate(u, c)), (a) => (a === undefined ? undefined : codec.encode(a)));

/** `codec`, failing with "is required" when the option was not given. */
export const required = <A>(codec: t.Type<A, Raw, unknown>, what: string): t.Type<A, Raw, unknown> =>
  new t.Type<A, Raw, unknown>(codec.name, codec.is, (u, c) => (u === undefined ? t.failure(u, c, `is required (${what})`) : codec.validate(u, c)), codec.encode);

/** One option of a command: how it is written, its codec, and its line in the help. */
export interface OptionDef<A> {
  readonly kind: FlagKind;
  readonly codec: t.Type<A, Raw, unknown>;
  /** The placeholder help shows for its value (`N`, `PATH`). */
  readonly arg?: string;
  readonly help: string;
}

/** A value option. */
export const value = <A>(codec: t.Type<A, Raw, unknown>, arg: string, help: string): OptionDef<A> => ({ kind: "value", codec, arg, help });
/** A switch option. */
export const toggle = (help: string, fallback = false): OptionDef<boolean> => ({ kind: "switch", codec: withDefault(flag, fallback), help });

// `any` here only lets options of different value types share one record; Decoded recovers each type.
export type AnyOptions = Readonly<Record<string, OptionDef<any>>>;

/** The decoded options of a command, by camelCase name. */
export type Decoded<O extends AnyOptions> = { readonly [K in keyof O]: O[K] extends OptionDef<infer A> ? A : never };

/** `batchSize` → `batch-size`. */
export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The flags of a set of options, for parseArgv. */
export const flagSpec = (options: AnyOptions): FlagSpec => Object.fromEntries(Object.entries(options).map(([k, o]) => [kebab(k), o.kind]));

/**
 * Decodes parsed flags with the options' codecs (io-ts); the first failure becomes a UsageError naming the option:
 * `--epochs: expected a positive integer, got "ten"`.
 * @example
 * const o = decodeOptions(TRAIN_OPTIONS, parseArgv("train", argv, flagSpec(TRAIN_OPTIONS)));
 */
export const decodeOptions = <O extends AnyOptions>(options: O, parsed: ParsedArgv): Decoded<O> => {
  const codec = t.type(Object.fromEntries(Object.entries(options).map(([k, o]) => [k, o.codec])));
  const input = Object.fromEntries(Object.entries(parsed.flags).map(([k, v]) => [camel(k), v]));
  const result = codec.decode(input);
  if (isLeft(result)) {
    const [first] = result.left;
    const key = first?.context.find((c) => c.key !== "")?.key ?? "";
    throw usage(`--${kebab(key)}`, first?.message ?? `bad value ${describeRaw(first?.value)}`);
  }
  return result.right as Decoded<O>;
};
