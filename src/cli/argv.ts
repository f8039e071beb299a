// Splits a command's arguments into flags and positionals against the flags it declares (no values are interpreted here).
import { usage } from "./errors.js";
import { closest } from "./closest.js";

/** How a flag is written: `value` flags take one argument (`--epochs 3`, `--epochs=3`), `switch` flags none (`--json`, `--no-json`). */
export type FlagKind = "value" | "switch";

/** A command's flags by long name (without the dashes), in the order help lists them. */
export type FlagSpec = Readonly<Record<string, FlagKind>>;

/** The raw command line of one command: flag values as written (switches as booleans) and the positional arguments. */
export interface ParsedArgv {
  readonly flags: Readonly<Record<string, string | boolean>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/**
 * Parses `args` for the command `command` against `spec`: an unknown flag, a value flag without a value, or a flag given
 * twice throws a UsageError naming it and the flags the command accepts. `-h`/`--help` set `help`; `--` ends the flags.
 * @example
 * parseArgv("train", ["--epochs", "3", "--json"], { epochs: "value", json: "switch" }); // { flags: { epochs: "3", json: true }, ... }
 */
export const parseArgv = (command: string, args: readonly string[], spec: FlagSpec): ParsedArgv => {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  let help = false;
  const accepted = () => Object.keys(spec).map((f) => `--${f}`).join(", ");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith("--")) throw usage(arg, `unknown option for "${command}" (options are long, e.g. --epochs 3); expected one of: ${accepted()}`);
    const eq = arg.indexOf("=");
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let kind = spec[name];
    let value: string | boolean | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (kind === undefined && name.startsWith("no-") && spec[name.slice(3)] === "switch") {
      // --no-download turns a switch off.
      name = name.slice(3);
      kind = "switch";
      if (value !== undefined) throw usage(`--no-${name}`, "takes no value");
      value = false;
    }
    if (kind === undefined) {
      const hint = closest(name, Object.keys(spec));
      throw usage(`--${name}`, `unknown option for "${command}"${hint === undefined ? "" : ` (did you mean --${hint}?)`}; expected one of: ${accepted()}`);
    }
    if (Object.hasOwn(flags, name)) throw usage(`--${name}`, "given more than once");
    if (kind === "switch") {
      if (typeof value === "string") {
        if (value !== "true" && value !== "false") throw usage(`--${name}`, `is a switch; write --${name} or --no-${name}, not --${name}=${value}`);
        value = value === "true";
      }
      flags[name] = value ?? true;
      continue;
    }
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) throw usage(`--${name}`, "needs a value");
      value = next;
      i++;
    }
    flags[name] = value;
  }
  return { flags, positionals, help };
};
