// Public face of src/nlp (language-model half): positional encodings, GPT, BERT and generation as a stream.
export * from "./models/index.js";
export { generate, generateBatch, type CausalLm, type GenerateOptions } from "./generate.js";
