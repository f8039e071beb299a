// Curriculum section "BPE算法 — 语料解码" (decoding): join subwords until one ends with </w>, then GPT-2's decoding from ids back to bytes and text.
//
// Decoding is the inverse of encoding: the notes concatenate subwords and close a word at each </w>. Byte-level BPE
// maps each id back to its bytes and decodes the bytes as UTF-8, so decode(encode(s)) gives s back for every string.
import { decodeClassicBpe, encodeClassicBpe, loadTokenizer } from "../src/index.js";

const quick = process.argv.includes("--quick");
const check = (what: string, got: unknown, want: unknown) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
};

// ---- The notes' example -----------------------------------------------------------------------------------------------
const output = ["moun", "tain</w>", "high", "the</w>"];
const words = decodeClassicBpe(output);
console.log(JSON.stringify(output), "→", JSON.stringify(words));
check("notes' decoding", words, ["mountain</w>", "highthe</w>"]);
console.log("as text:", words.map((w) => w.replace(/<\/w>$/, "")).join(" "));

// Encoding then decoding gives the words back whenever the vocabulary covers them.
const vocabulary = ["errrr</w>", "tain</w>", "moun", "est</w>", "high", "the</w>", "a</w>"];
const roundTrip = decodeClassicBpe(encodeClassicBpe(["mountain", "highest"], vocabulary).flat());
console.log("mountain highest → encode → decode →", roundTrip);
check("round trip", roundTrip, ["mountain</w>", "highest</w>"]);

// ---- GPT-2 and cl100k_base: ids → bytes → text -------------------------------------------------------------------------
const texts = ["Hello world!", "naïve café, 你好, 🎉 and e\u0301", "  spaces   and\ttabs\n", "def f(x):\n    return x ** 2\n"];
for (const name of quick ? (["gpt2"] as const) : (["gpt2", "cl100k_base", "o200k_base"] as const)) {
  const tok = loadTokenizer(name);
  for (const text of texts) {
    const ids = tok.encode(text);
    const back = tok.decode(ids);
    check(`${name} round trip of ${JSON.stringify(text)}`, back, text);
    console.log(`${name}: ${ids.length} ids ${JSON.stringify(ids.slice(0, 8))}${ids.length > 8 ? "…" : ""} → ${JSON.stringify(back)}`);
  }
  // One id may be half a character: 🎉 is four bytes and GPT-2 splits it, so decoding a prefix shows U+FFFD.
  const party = tok.encode("🎉");
  console.log(`${name}: 🎉 is ${party.length} ids ${JSON.stringify(party)}; the first alone decodes to ${JSON.stringify(tok.decode(party.slice(0, 1)))}, bytes ${JSON.stringify([...tok.decodeBytes(party.slice(0, 1))])}`);
}
