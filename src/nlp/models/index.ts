// Public face of src/nlp/models: positional encodings, GPT (GPT-2 layout) and BERT.
export {
  sinusoidalPositionalEncoding, positionalEncoding, learnedPositionalEmbedding, applyRotary, type PositionalEncodingOptions,
} from "./positionalEncoding.js";
export { gpt, loadGpt2StateDict, type GptConfig, type GptInput, type GptOutput, type KvCache } from "./gpt.js";
export { bert, loadBertStateDict, type BertConfig, type BertInput, type BertOutput } from "./bert.js";
export { causalLmLoss } from "./causalLmLoss.js";
