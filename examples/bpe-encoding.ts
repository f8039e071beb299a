// Curriculum section "BPE算法 — 语料编码" (encoding): longest subword first with the notes' vocabulary, then with a learned one, then GPT-2's byte-level BPE.
//
// Encoding as the notes teach it: sort the vocabulary by length, longest first; find the first subword that occurs
// in the word, and match what is left on either side with the shorter subwords; a stretch nothing covers is <unk>.
// GPT-2 instead merges a word's bytes in the order the merges were learned (lowest rank first): every string
// encodes, nothing is unknown.
import { countWords, encodeClassicBpe, loadTokenizer, trainBpe } from "../src/index.js";
import { corpusTexts } from "./_corpus.js";

const quick = process.argv.includes("--quick");
const check = (what: string, got: unknown, want: unknown) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
};

// ---- The notes' vocabulary --------------------------------------------------------------------------------------------
const notesVocabulary = ["errrr</w>", "tain</w>", "moun", "est</w>", "high", "the</w>", "a</w>"];
const [mountain] = encodeClassicBpe(["mountain"], notesVocabulary);
console.log("mountain</w> →", mountain);
check("mountain", mountain, ["moun", "tain</w>"]);
const [unknown] = encodeClassicBpe(["mountains"], notesVocabulary);
console.log("mountains</w> →", unknown, "(no subword covers s</w>)");
check("mountains", unknown, ["moun", "<unk>"]);

// ---- A vocabulary learned from the Python documentation ---------------------------------------------------------------
const texts = corpusTexts(quick ? 3 : 60);
const learned = trainBpe(countWords(texts, { mode: "classic" }), { mode: "classic", vocabSize: quick ? 500 : 5000 });
const sentence = "the interpreter reads functions and returns tokenized strings";
const pieces = encodeClassicBpe(sentence.split(" "), learned.vocabulary);
console.log(`\n${learned.vocabulary.length} learned tokens:`);
pieces.forEach((p, i) => console.log(`  ${sentence.split(" ")[i]} → ${p.join(" ")}`));

// ---- GPT-2's byte-level BPE (tiktoken's r50k_base ranks, shipped by the gpt-tokenizer package) --------------------
const gpt2 = loadTokenizer("gpt2");
const text = "Hello world! Tokenizers split   text into ids: 你好 🎉";
const ids = gpt2.encode(text);
console.log(`\nGPT-2: ${JSON.stringify(text)} → ${ids.length} ids`);
console.log(" ", ids.map((id) => `${id}:${gpt2.idToToken(id)}`).join("  "));
check("GPT-2 ids of 'hello world'", gpt2.encode("hello world"), [31373, 995]); // the ids OpenAI's encoder gives
// <|endoftext|> is a special token: tiktoken refuses it in text unless allowed, so user text cannot forge it.
console.log("  with <|endoftext|> allowed:", gpt2.encode("end<|endoftext|>", { allowedSpecial: "all" }));
