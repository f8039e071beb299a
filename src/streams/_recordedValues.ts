// Private: the values in a recording's text, validated line by line (header, index, checksum, fields, end marker and count).
import { isLeft } from "fp-ts/lib/Either.js";
import { RecordingError } from "./RecordingError.js";
import { ReplayedError } from "./ReplayedError.js";
import { End, FieldError, Header, VERSION, decodeValue, isValueLine } from "./_recordingCodec.js";
import { checkSeal } from "./_lineChecksum.js";
import { describeErrors } from "./_ioErrors.js";

/**
 * Yields the values recorded in `text` (the contents of `file`), one at a time; throws a RecordingError naming the
 * file, record, line and field at the first thing wrong, or the recorded stream's error as a ReplayedError.
 */
export function* recordedValues(text: string, file: string): Generator<unknown, void, undefined> {
  const all = text.split("\n");
  const bad = (record: number, line: number, field: string, what: string): RecordingError =>
    new RecordingError({ file, record, field, message: `replay: ${file}: ${record >= 0 ? `record ${record} (line ${line})` : `line ${line}`}${field && !what.startsWith("field") ? `, field ${field}` : ""}: ${what}` });
  const parse = (i: number, record: number): unknown => {
    try {
      return JSON.parse(all[i]!);
    } catch (e) {
      throw bad(record, i + 1, "", `not valid JSON (${(e as Error).message}${i === all.length - 1 ? "; the file is truncated" : ""})`);
    }
  };
  const header = Header.decode(all[0] === "" && all.length === 1 ? undefined : parse(0, -1));
  if (isLeft(header)) throw bad(-1, 1, "", `not a rivulet recording: ${describeErrors(header.left, "header")}`);
  if (header.right.version !== VERSION)
    throw bad(-1, 1, "", `recording format version ${header.right.version}, but this rivulet reads version ${VERSION} (records with an index and a checksum); record it again`);
  for (let i = 1, record = 0; ; i++, record++) {
    if (i >= all.length || (all[i] === "" && i === all.length - 1))
      throw bad(record, i + 1, "", `the file ends after ${record} records without an end marker (truncated, or the recording process died)`);
    const parsed = parse(i, record);
    // The checksum first: an edited line is reported as edited, whatever it now says.
    const seal = checkSeal(all[i]!);
    if (seal !== "") throw bad(record, i + 1, "", seal);
    if (isValueLine(parsed)) {
      if (parsed.i !== record)
        throw bad(record, i + 1, "", `the line says it is record ${JSON.stringify(parsed.i)?.slice(0, 20)} where record ${record} was expected (a record was dropped, duplicated or moved)`);
      try {
        yield decodeValue(parsed.v);
      } catch (e) {
        if (e instanceof FieldError) throw bad(record, i + 1, e.field, e.message);
        // Say, a value nested too deeply to decode (RangeError): still this file's fault, at this line.
        throw bad(record, i + 1, "", `cannot decode the value (${e instanceof Error ? e.message : String(e)})`);
      }
      continue;
    }
    const end = End.decode(parsed);
    if (isLeft(end)) throw bad(record, i + 1, "", `expected a value line { i, v } or an end line { end, count }, got ${JSON.stringify(parsed)?.slice(0, 60)}`);
    const l = end.right;
    if (l.count !== record)
      throw bad(record, i + 1, "", `the end marker counts ${l.count} records, but ${record} precede it (records were dropped or duplicated)`);
    if (i + 1 < all.length && !(i + 2 === all.length && all[i + 1] === ""))
      throw bad(record, i + 2, "", "unexpected data after the end marker");
    if (l.end === "error") throw new ReplayedError(l.name, l.message);
    return;
  }
}
