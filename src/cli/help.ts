// Help text for a command, generated from its option definitions so help and parsing never disagree.
import { kebab, type AnyOptions } from "./options.js";

/** A command's usage line, what it does, and its options with their help. */
export const helpText = (usageLine: string, description: string, options: AnyOptions, notes: readonly string[] = []): string => {
  const rows = Object.entries(options).map(([k, o]) => [`--${kebab(k)}${o.kind === "value" ? ` ${o.arg ?? "VALUE"}` : ""}`, o.help] as const);
  const width = Math.max(...rows.map(([l]) => l.length), 10) + 2;
  return [
    `usage: ${usageLine}`,
    "",
    description,
    "",
    "options:",
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`),
    `  ${"-h, --help".padEnd(width)}show this help`,
    ...(notes.length === 0 ? [] : ["", ...notes]),
  ].join("\n");
};
