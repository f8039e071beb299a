// Private: a strict RFC 4180 reader of CSV text into a header and rows, with the line of each row for error messages.

/** A data row: its fields (null where the row is shorter than the header) and the line it starts on (1-based). */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly (string | null)[];
}

/**
 * Splits CSV text into the header and the rows: quoted fields may hold delimiters, newlines and doubled quotes,
 * blank lines are skipped, a short row is padded with nulls (pandas' NaN). Throws `Error("<source>: line N: ...")`
 * for an empty text, an unclosed quote, text after a closing quote, a repeated column name, or a row with more
 * fields than the header (pandas: "Expected 2 fields in line 3, saw 3").
 */
export const csvRows = (text: string, delimiter: string, source: string): { header: readonly string[]; rows: readonly CsvRow[] } => {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r")
    throw new Error(`${source}: the delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  const records: CsvRow[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    // One record: fields until an unquoted newline or the end.
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        const opened = line;
        i++;
        for (;;) {
          if (i >= text.length) throw new Error(`${source}: line ${opened}: a quoted field is never closed`);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          field += c;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== delimiter && after !== "\n" && after !== "\r")
          throw new Error(`${source}: line ${line}: ${JSON.stringify(after)} after the closing quote of a field (expected ${JSON.stringify(delimiter)} or the end of the line)`);
      } else {
        while (i < text.length && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") field += text[i++];
      }
      fields.push(field);
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      break;
    }
    // The end of the line: \n, \r\n or \r.
    if (text[i] === "\r") i++;
    if (text[i] === "\n") i++;
    line++;
    const blank = fields.length === 1 && fields[0] === "";
    if (!blank) records.push({ line: start, fields });
  }
  const [first, ...rest] = records;
  if (first === undefined) throw new Error(`${source}: the file is empty (no header row)`);
  const header = first.fields as string[];
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new Error(`${source}: line ${first.line}: column ${JSON.stringify(name)} appears twice in the header`);
    seen.add(name);
  }
  const rows = rest.map((r): CsvRow => {
    if (r.fields.length > header.length)
      throw new Error(`${source}: line ${r.line}: ${r.fields.length} fields, but the header has ${header.length} (${header.map((h) => JSON.stringify(h)).join(", ")}); an unquoted ${JSON.stringify(delimiter)} inside a value?`);
    return r.fields.length === header.length ? r : { line: r.line, fields: [...r.fields, ...Array<null>(header.length - r.fields.length).fill(null)] };
  });
  return { header, rows };
};
