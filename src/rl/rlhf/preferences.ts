// Preference data: JSONL files of {prompt, chosen, rejected} lines, the common format of public preference sets.
import { readFile } from "node:fs/promises";
import { corruptDataset, CorruptDataset } from "../../streams/datasets/CorruptDataset.js";
import { datasetNotFound } from "../../streams/datasets/DatasetNotFound.js";

/** One comparison: for `prompt`, a labeller preferred `chosen` over `rejected`. */
export interface Preference {
  readonly prompt: string;
  readonly chosen: string;
  readonly rejected: string;
}

const FIELDS = ["prompt", "chosen", "rejected"] as const;

const describe = (v: unknown): string => (v === undefined ? "nothing (the field is missing)" : `${JSON.stringify(v)?.slice(0, 40) ?? String(v)}`);

/**
 * Parses JSONL preference text; `source` names it in errors. Blank lines are skipped; any other line must be a JSON
 * object with string fields `prompt`, `chosen` and `rejected` (extra fields are kept out), else a CorruptDataset error
 * names the line number and the field.
 * @example
 * parsePreferences('{"prompt": "Hi", "chosen": "Hello!", "rejected": "Go away."}\n', "prefs.jsonl");
 */
export const parsePreferences = (text: string, source = "<preferences>"): Preference[] => {
  const out: Preference[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw corruptDataset(source, `${where}: not JSON (${(e as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw corruptDataset(source, `${where}: expected an object {prompt, chosen, rejected}, got ${describe(value)}`);
    const record = value as Record<string, unknown>;
    for (const f of FIELDS) if (typeof record[f] !== "string") throw corruptDataset(source, `${where}: field "${f}": expected a string, got ${describe(record[f])}`);
    out.push({ prompt: record.prompt as string, chosen: record.chosen as string, rejected: record.rejected as string });
  });
  if (out.length === 0) throw corruptDataset(source, "no preference pairs (the file is empty or blank)");
  return out;
};

/**
 * Reads a JSONL preference file (UTF-8). Fails with DatasetNotFound for a missing file and CorruptDataset for bytes that
 * are not UTF-8 (with the byte offset) or a malformed line (with its number and field).
 * @example
 * const pairs = await readPreferences("data/prefs.jsonl");
 */
export const readPreferences = async (file: string): Promise<Preference[]> => {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw datasetNotFound("preference file", [file], "Check the path (a JSONL file of {prompt, chosen, rejected} lines).");
    throw corruptDataset(file, `cannot read it (${code ?? (e as Error).message})`, e);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Find where: the longest prefix that still decodes (a stream decode tolerates a sequence cut at the end).
    const decodes = (end: number): boolean => {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
        return true;
      } catch {
        return false;
      }
    };
    let [lo, hi] = [0, bytes.length];
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (decodes(mid)) lo = mid;
      else hi = mid - 1;
    }
    const bad = lo;
    const line = new TextDecoder().decode(bytes.subarray(0, bad)).split("\n").length;
    throw corruptDataset(file, `line ${line}: not UTF-8 text (invalid byte at offset ${bad})`);
  }
  return parsePreferences(text, file);
};

export { CorruptDataset };
