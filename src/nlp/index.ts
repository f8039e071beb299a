// Public face of src/nlp: tokenizers and text streams; positional encodings, GPT, BERT and generation as a stream.
export * from "./tokenizers/index.js";
export * from "./text/index.js";
export * from "./models/index.js";
export { generate, generateBatch, type CausalLm, type GenerateOptions } from "./generate.js";
export { saveGptCheckpoint, loadGptCheckpoint, GPT_CONFIG_KEY, TOKENIZER_KEY, type GptCheckpoint } from "./gptCheckpoint.js";
export { decodeStream } from "./decodeStream.js";
