// A GPT checkpoint that holds tokenizer and model together: one safetensors file with GPT-2's state_dict, the config and tokenizer.json as metadata.
import { Effect } from "effect";
import { loadSafetensors, saveSafetensors } from "../io/safetensorsFile.js";
import { safetensorsError } from "../io/SafetensorsError.js";
import { stateDict } from "../nn/stateDict.js";
import { gpt, loadGpt2StateDict, type GptConfig } from "./models/gpt.js";
import { bpeTokenizer, type Tokenizer } from "./tokenizers/bpeTokenizer.js";
import { toTokenizerJson, tokenizerJsonModel } from "./tokenizers/tokenizerJson.js";
import type { CausalLm } from "./generate.js";

/** The metadata key of the model's config (JSON with Hugging Face's GPT2Config names: vocab_size, n_positions, …). */
export const GPT_CONFIG_KEY = "gpt.config";
/** The metadata key of the tokenizer (the text of a Hugging Face tokenizer.json). */
export const TOKENIZER_KEY = "tokenizer.json";

/** GptConfig's fields and their GPT2Config (config.json) names. */
const HF_NAMES = {
  vocabSize: "vocab_size", nPositions: "n_positions", nEmbd: "n_embd", nLayer: "n_layer", nHead: "n_head",
  layerNormEpsilon: "layer_norm_epsilon", embdPdrop: "embd_pdrop", attnPdrop: "attn_pdrop", residPdrop: "resid_pdrop", positional: "positional",
} as const satisfies Record<keyof GptConfig, string>;
const REQUIRED = ["vocabSize", "nPositions", "nEmbd", "nLayer", "nHead"] as const;

/** A GPT and the tokenizer it reads, as loaded from a checkpoint. */
export interface GptCheckpoint {
  readonly lm: CausalLm;
  readonly tokenizer: Tokenizer;
  readonly config: GptConfig;
}

/** The model's config as GPT2Config-style JSON (the resolved values: dropouts and epsilon included). */
const configJson = (lm: CausalLm): string => {
  const c = lm.module.config as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [ours, hf] of Object.entries(HF_NAMES)) if (c[ours] !== undefined) out[hf] = c[ours];
  for (const k of REQUIRED) if (typeof c[k] !== "number") throw new Error(`saveGptCheckpoint: the model's config has no ${k}; expected a module made by gpt(config)`);
  return JSON.stringify(out);
};

/**
 * Writes `lm` (GPT-2's state_dict names, tied `lm_head.weight` included) and `tokenizer` to one safetensors file, with
 * metadata `gpt.config` (GPT2Config JSON) and `tokenizer.json` (Hugging Face's format), atomically.
 * @example
 * await saveGptCheckpoint("gpt.safetensors", { module, params }, tokenizer);
 */
export const saveGptCheckpoint = async (path: string, lm: CausalLm, tokenizer: Tokenizer): Promise<void> => {
  const vocab = lm.module.config.vocabSize;
  if (typeof vocab === "number" && tokenizer.vocabSize > vocab)
    throw new Error(`saveGptCheckpoint: the tokenizer has ${tokenizer.vocabSize} tokens but the model only ${vocab} (config.vocabSize)`);
  const metadata = { format: "pt", [GPT_CONFIG_KEY]: configJson(lm), [TOKENIZER_KEY]: toTokenizerJson(tokenizer.model) };
  await Effect.runPromise(saveSafetensors(path, stateDict(lm.module, { params: lm.params, state: {} }), metadata));
};

/** Parses `gpt.config`, naming the file and the field on anything wrong. */
const parseConfig = (path: string, text: string): GptConfig => {
  const fail = (what: string): never => {
    throw safetensorsError(path, `${path}: metadata "${GPT_CONFIG_KEY}": ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("expected a JSON object");
  const j = json as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  for (const [ours, hf] of Object.entries(HF_NAMES)) {
    const v = j[hf];
    if (v === undefined) {
      if ((REQUIRED as readonly string[]).includes(ours)) fail(`field "${hf}" is missing`);
      continue;
    }
    if (ours === "positional" ? v !== "learned" && v !== "rotary" : typeof v !== "number") fail(`field "${hf}" has an invalid value ${JSON.stringify(v)}`);
    config[ours] = v;
  }
  return config as unknown as GptConfig;
};

/**
 * Reads a checkpoint written by saveGptCheckpoint (or any GPT-2 safetensors file given the two metadata fields):
 * the model with its weights and the tokenizer. A file without `gpt.config` or `tokenizer.json` metadata, or with
 * invalid ones, is a SafetensorsError naming the file and the field; mismatched weights name the parameter.
 * @example
 * const { lm, tokenizer } = await loadGptCheckpoint("gpt.safetensors");
 * generate(lm, tokenizer.encode("The list"), { maxTokens: 20, temperature: 0 }).subscribe((id) => console.log(tokenizer.decode([id])));
 */
export const loadGptCheckpoint = async (path: string): Promise<GptCheckpoint> => {
  const { tensors, metadata } = await Effect.runPromise(loadSafetensors(path));
  const missing = [GPT_CONFIG_KEY, TOKENIZER_KEY].filter((k) => metadata[k] === undefined);
  if (missing.length > 0)
    throw safetensorsError(path, `${path}: not a GPT checkpoint: its metadata lacks ${missing.map((k) => `"${k}"`).join(" and ")} (write one with saveGptCheckpoint or rivulet train --model gpt)`);
  const config = parseConfig(path, metadata[GPT_CONFIG_KEY]!);
  const tokenizer = bpeTokenizer(tokenizerJsonModel(metadata[TOKENIZER_KEY]!, `${path} (metadata "${TOKENIZER_KEY}")`));
  if (tokenizer.vocabSize > config.vocabSize)
    throw safetensorsError(path, `${path}: the tokenizer has ${tokenizer.vocabSize} tokens but "${GPT_CONFIG_KEY}" says vocab_size ${config.vocabSize}`);
  let module;
  try {
    module = gpt(config);
  } catch (e) {
    throw safetensorsError(path, `${path}: metadata "${GPT_CONFIG_KEY}": ${(e as Error).message}`, e);
  }
  let variables;
  try {
    variables = loadGpt2StateDict(module, tensors);
  } catch (e) {
    throw safetensorsError(path, `${path}: ${(e as Error).message}`, e);
  }
  return { lm: { module, params: variables.params }, tokenizer, config };
};
