// Public face of src/nlp/tokenizers: the curriculum's classic BPE, byte-level BPE (GPT-2, tiktoken, tokenizer.json), training.
export { compressPairs, type PairCompressionStep } from "./pairCompression.js";
export { learnClassicBpe, END_OF_WORD, type ClassicBpe, type ClassicBpeMerge, type LearnClassicBpeOptions } from "./learnClassicBpe.js";
export { encodeClassicBpe, type EncodeClassicBpeOptions } from "./encodeClassicBpe.js";
export { decodeClassicBpe } from "./decodeClassicBpe.js";
export { BYTE_TO_UNICODE, UNICODE_TO_BYTE, bytesToUnicode, unicodeToBytes } from "./byteToUnicode.js";
export { GPT2_PATTERN, CL100K_PATTERN, O200K_PATTERN, pretokenizeRegExp } from "./pretokenizePatterns.js";
export { bpeTokenizer, type BpeModel, type Tokenizer, type EncodeOptions } from "./bpeTokenizer.js";
export { gpt2Model, parseVocabJson, parseMergesTxt } from "./gpt2Files.js";
export { tiktokenModel, parseTiktokenRanks, TIKTOKEN_ENCODINGS, type TiktokenEncoding } from "./tiktokenFile.js";
export { tokenizerJsonModel, toTokenizerJson } from "./tokenizerJson.js";
export { loadTokenizer, readUtf8File, BUILTIN_TOKENIZERS } from "./loadTokenizer.js";
export { TokenizerError } from "./TokenizerError.js";
export { countWords, type CountWordsOptions } from "./countWords.js";
export { trainBpe, type TrainBpeOptions, type TrainedBpe } from "./trainBpe.js";
