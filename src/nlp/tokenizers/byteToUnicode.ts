// GPT-2's reversible byte ↔ printable-character table (bytes_to_unicode in openai/gpt-2's encoder.py), used by vocab.json, merges.txt and tokenizer.json.

const build = (): { readonly toChar: readonly string[]; readonly toByte: ReadonlyMap<string, number> } => {
  // Printable Latin-1 bytes map to themselves; the other 68 (controls, space, NBSP, soft hyphen) to U+0100 onwards,
  // so that every byte has a visible, non-whitespace character and tokens can be stored as JSON strings.
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const toChar: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) toChar.push(String.fromCharCode(printable(b) ? b : next++));
  return { toChar, toByte: new Map(toChar.map((c, b) => [c, b])) };
};
const table = build();

/** The character GPT-2 writes for each byte (index = byte). */
export const BYTE_TO_UNICODE: readonly string[] = table.toChar;

/** The byte each of GPT-2's 256 byte characters stands for. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = table.toByte;

/** Bytes → GPT-2's character string (how byte-level tokens appear in vocab.json and tokenizer.json). */
export const bytesToUnicode = (bytes: Uint8Array): string => {
  let s = "";
  for (const b of bytes) s += table.toChar[b]!;
  return s;
};

/** GPT-2's character string → bytes; `undefined` when a character is not one of the 256 byte characters. */
export const unicodeToBytes = (s: string): Uint8Array | undefined => {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const b = table.toByte.get(s[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
};
