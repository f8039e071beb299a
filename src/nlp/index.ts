<<<<<<< HEAD
// Public face of src/nlp: tokenizers and text streams (and, from other branches, language models).
export * from "./tokenizers/index.js";
export * from "./text/index.js";
=======
// Public face of src/nlp (language-model half): positional encodings, GPT, BERT and generation as a stream.
export * from "./models/index.js";
export { generate, generateBatch, type CausalLm, type GenerateOptions } from "./generate.js";
>>>>>>> lm
