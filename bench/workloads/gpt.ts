// gpt-train: one AdamW training step of a small GPT (2 blocks, d_model 128, 4 heads, context 64, batch 16, vocabulary 1024),
// in tokens/s; gpt-generate-kv / gpt-generate-nocache: greedy generation of 64 tokens from an 8-token prompt, in tokens/s.
import { queueScheduler } from "rxjs";
import { adamw, crossEntropy, generate, gpt, key, narrow, randint, reshape, split, valueAndGrad, type Tensor, type nn } from "../../src/index.js";
import type { Workload } from "../workload.js";
import { jaxGptTrainTask } from "../_jaxGpt.js";
import { scopedStep } from "../_rivuletStep.js";

const CONFIG = { vocabSize: 1024, nPositions: 64, nEmbd: 128, nLayer: 2, nHead: 4, embdPdrop: 0, attnPdrop: 0, residPdrop: 0 };
const BATCH = 16;
const CTX = 64;

/** A closure running one full step (forward, backward, AdamW update) on next-token prediction and reading the loss back (`scopedStep`). */
export const gptTrainStep = (): (() => number) => {
  const [kp, kx] = split(key(0));
  const model = gpt(CONFIG);
  // Random tokens: CTX + 1 per row, inputs the first CTX, targets the last CTX.
  const seq = randint(kx!, 0, CONFIG.vocabSize, [BATCH, CTX + 1]);
  const x = narrow(seq, 1, 0, CTX);
  const y = reshape(narrow(seq, 1, 1, CTX), [BATCH * CTX]);
  const lossOf = valueAndGrad((p: nn.Params) => crossEntropy(reshape(model.forward(p, x).logits, [BATCH * CTX, CONFIG.vocabSize]), y));
  return scopedStep(lossOf, adamw({ lr: 3e-4 }), model.init(kp!).params);
};

const NEW = 64;
const PROMPT = [5, 17, 99, 3, 250, 7, 1000, 42];

/** Greedy generation of NEW tokens, synchronously (queueScheduler), with or without the KV cache; returns the tokens. */
export const gptGenerate = (kvCache: boolean): (() => number[]) => {
  const module = gpt(CONFIG);
  const lm = { module, params: module.init(key(1)).params };
  return () => {
    const out: number[] = [];
    generate(lm, PROMPT, { maxTokens: NEW, temperature: 0, kvCache, scheduler: queueScheduler }).subscribe((t) => out.push(t));
    return out;
  };
};

export const gptWorkloads: readonly Workload[] = [
  {
    name: "gpt-train",
    unit: "tokens/s",
    higherIsBetter: true,
    score: (ms) => (BATCH * CTX * 1000) / ms,
    rivulet: async () => {
      const step = gptTrainStep();
      return { run: () => void step() };
    },
    jax: (jax) => jaxGptTrainTask(jax, { vocab: CONFIG.vocabSize, ctx: CTX, dModel: CONFIG.nEmbd, layers: CONFIG.nLayer, heads: CONFIG.nHead, batch: BATCH }),
  },
  ...([true, false] as const).map(
    (kv): Workload => ({
      name: kv ? "gpt-generate-kv" : "gpt-generate-nocache",
      unit: "tokens/s",
      higherIsBetter: true,
      score: (ms) => (NEW * 1000) / ms,
      rivulet: async () => {
        const run = gptGenerate(kv);
        return { run: () => void run() };
      },
    }),
  ),
];
