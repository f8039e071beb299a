// Public face of src/nlp: tokenizers and text streams (and, from other branches, language models).
export * from "./tokenizers/index.js";
export * from "./text/index.js";
