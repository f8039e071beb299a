// RLHF end to end as one stream of stage reports: a tokenizer and a small GPT pre-trained on a corpus, a reward model on preference pairs, then PPO with a KL penalty — and DPO on the same pairs as the second route.
import { Observable } from "rxjs";
import { readFileSync } from "node:fs";
import { foldIn, key as makeKey, split, type Key } from "../../ops/random.js";
import { tensor } from "../../ops/creation.js";
import type { Params } from "../../nn/Module.js";
import { adamw } from "../../optim/adam.js";
import { loader } from "../../streams/loader.js";
import { trainState, trainStep } from "../../streams/trainStep.js";
import { trainSteps } from "../../streams/trainSteps.js";
import { findFiles } from "../../nlp/text/findFiles.js";
import { windowDataset } from "../../nlp/text/windows.js";
import { countWords } from "../../nlp/tokenizers/countWords.js";
import { trainBpe } from "../../nlp/tokenizers/trainBpe.js";
import { bpeTokenizer, type Tokenizer } from "../../nlp/tokenizers/bpeTokenizer.js";
import { gpt, type GptConfig } from "../../nlp/models/gpt.js";
import { causalLmLoss } from "../../nlp/models/causalLmLoss.js";
import type { CausalLm } from "../../nlp/generate.js";
import { gptWithValueHead } from "./valueHeadModel.js";
import { gptRewardModel } from "./rewardModel.js";
import { letterPreference, type Preferring } from "./keywordPreference.js";
import { preferencePairs, type TokenPair } from "./preferencePairs.js";
import { trainRewardModel } from "./trainRewardModel.js";
import { ppoRlhf } from "./ppoRlhf.js";
import { trainDpo } from "./trainDpo.js";
import { evaluatePolicy } from "./evaluatePolicy.js";
import { adaptiveKlController } from "./klController.js";

/** Everything the pipeline can be told; the defaults run all stages in minutes on a 2-core CPU. */
export interface RlhfPipelineOptions {
  /** Corpus files or globs (UTF-8 text). */
  readonly corpus: string | readonly string[];
  readonly seed?: number;
  readonly vocabSize?: number;
  readonly model?: Partial<Omit<GptConfig, "vocabSize">>;
  readonly pretrainEpochs?: number;
  readonly pretrainBatchSize?: number;
  readonly pretrainLr?: number;
  /** Use at most this many corpus tokens for pre-training (default: all). */
  readonly maxTokens?: number;
  readonly promptTokens?: number;
  readonly responseTokens?: number;
  /** Prompts to make preference pairs from (two samples each; ties are dropped). */
  readonly pairPrompts?: number;
  /** The labeller (default `letterPreference()`: more letters is better — a documented stand-in for human labels). */
  readonly prefer?: Preferring;
  readonly rewardEpochs?: number;
  readonly ppoSteps?: number;
  readonly ppoBatchSize?: number;
  readonly ppoLr?: number;
  /** The adaptive KL controller's target (TRL's default 6). */
  readonly klTarget?: number;
  readonly dpoEpochs?: number;
  readonly dpoBeta?: number;
  /** Held-out prompts to measure reward and KL before and after. */
  readonly evalPrompts?: number;
}

/** One report of the pipeline; `stage` says which. */
export type RlhfEvent =
  | { readonly stage: "tokenizer"; readonly vocab_size: number; readonly corpus_tokens: number }
  | { readonly stage: "pretrain"; readonly epoch: number; readonly step: number; readonly loss: number; readonly val_loss?: number }
  | { readonly stage: "pairs"; readonly pairs: number; readonly train: number; readonly validation: number; readonly example: TokenPair["text"] }
  | { readonly stage: "reward"; readonly epoch: number; readonly step: number; readonly loss: number; readonly accuracy: number; readonly val_accuracy?: number }
  | { readonly stage: "ppo"; readonly step: number; readonly reward: number; readonly kl: number; readonly kl_coef: number; readonly entropy: number; readonly policy_loss: number; readonly value_loss: number; readonly clip_fraction: number; readonly approx_kl: number }
  | { readonly stage: "dpo"; readonly step: number; readonly loss: number; readonly reward_accuracy: number; readonly reward_margin: number }
  | {
      readonly stage: "result";
      readonly reward_before: number; readonly reward_after: number; readonly kl: number; readonly kl_target: number;
      readonly dpo_reward_after: number; readonly dpo_kl: number; readonly reward_model_accuracy: number;
      readonly samples_before: readonly string[]; readonly samples_after: readonly string[]; readonly samples_dpo: readonly string[];
      readonly tokenizer: Tokenizer;
      /** The policy after PPO, as a plain LM (its value head dropped). */
      readonly policy: CausalLm;
    };

const splitKeys = (k: Key, n: number): Key[] => split(k, n) as Key[];

/**
 * Runs the curriculum's three RLHF stages and DPO, emitting each stage's reports as they happen (pull-driven; stops on
 * unsubscribe). The last event (`stage: "result"`) holds reward and KL before and after, and samples to show.
 * @example
 * rlhfPipeline({ corpus: "/usr/share/doc/python3.11/html/_sources/tutorial/*.rst.txt" }).subscribe((e) => console.log(e.stage));
 */
export const rlhfPipeline = (options: RlhfPipelineOptions): Observable<RlhfEvent> =>
  new Observable<RlhfEvent>((subscriber) => {
    const {
      corpus, seed = 0, vocabSize = 512, pretrainEpochs = 2, pretrainBatchSize = 16, pretrainLr = 3e-3, maxTokens = Infinity, promptTokens = 6,
      responseTokens = 12, pairPrompts = 384, rewardEpochs = 3, ppoSteps = 30, ppoBatchSize = 16, ppoLr = 1e-4, klTarget = 6, dpoEpochs = 2, dpoBeta = 0.1,
      evalPrompts = 64, prefer = letterPreference(),
    } = options;
    let stopped = false;
    const inner: { unsubscribe(): void }[] = [];
    // Runs a stage's stream to its end, forwarding its reports; resolves with its last value.
    const run = <T>(source: Observable<T>, report: (v: T) => RlhfEvent | undefined): Promise<T | undefined> =>
      new Promise((resolve, reject) => {
        let last: T | undefined;
        inner.push(source.subscribe({ next: (v) => { last = v; const e = report(v); if (e) subscriber.next(e); }, error: reject, complete: () => resolve(last) }));
      });
    void (async () => {
      const [kTok, kInit, kPairs, kRm, kPpo, kEval] = splitKeys(makeKey(seed), 6) as [Key, Key, Key, Key, Key, Key];
      // ---- Stage 1: tokenizer and pre-trained LM --------------------------------------------------------------
      const files = findFiles(corpus);
      const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
      const lines = text.split("\n").filter((l) => l.trim() !== "");
      const tok = bpeTokenizer(trainBpe(countWords(lines), { vocabSize, specialTokens: ["<|endoftext|>"] }).model!);
      const allIds = tok.encode(text).slice(0, maxTokens);
      // Prompts are the first tokens of corpus lines; checked now, before any training, so a small corpus fails at once.
      const promptPool = lines.map((l) => tok.encode(l)).filter((ids) => ids.length >= promptTokens).map((ids) => ids.slice(0, promptTokens));
      if (promptPool.length < pairPrompts + evalPrompts) throw new Error(`rlhf: the corpus has ${promptPool.length} lines of ≥ ${promptTokens} tokens; need ${pairPrompts + evalPrompts} prompts`);
      subscriber.next({ stage: "tokenizer", vocab_size: tok.vocabSize, corpus_tokens: allIds.length });
      const config: GptConfig = { nPositions: 64, nEmbd: 64, nLayer: 2, nHead: 2, ...options.model, vocabSize: tok.vocabSize };
      const lmModule = gpt(config);
      const cut = Math.floor(allIds.length * 0.95);
      const ctx = config.nPositions;
      const windows = windowDataset(allIds.slice(0, cut), { length: ctx, stride: ctx });
      const valIds = tensor(Array.from({ length: Math.max(1, Math.floor((allIds.length - cut) / ctx)) }, (_, i) => allIds.slice(cut + i * ctx, cut + (i + 1) * ctx)).filter((w) => w.length === ctx), { dtype: "int32" });
      const optimizer = adamw({ lr: pretrainLr, weightDecay: 0.01 });
      const batches = loader(windows, { batchSize: pretrainBatchSize, shuffle: true, seed, dropLast: true, collate: (rows: number[][]) => tensor(rows, { dtype: "int32" }) });
      const step = trainStep<Params, ReturnType<typeof tensor>, unknown>({ loss: (p, ids) => causalLmLoss(lmModule, p, ids), optimizer: optimizer as never });
      const pre = await run(batches.epochs(pretrainEpochs).pipe(trainSteps(step, trainState({ params: lmModule.init(kInit).params, optimizer: optimizer as never, seed }))), (r) => ({
        stage: "pretrain", epoch: r.epoch, step: r.state.step, loss: r.metrics.loss!,
        ...(r.last && valIds.shape[0]! > 0 ? { val_loss: causalLmLoss(lmModule, r.state.params, valIds).item() } : {}),
      }));
      if (stopped || pre === undefined) return;
      const lm: CausalLm = { module: lmModule, params: pre.state.params };
      // ---- Stage 2: preference pairs and the reward model -------------------------------------------------------
      const evalSet = promptPool.filter((_, i) => i % 7 === 3).slice(0, evalPrompts);
      const trainPool = promptPool.filter((_, i) => i % 7 !== 3);
      const pairs = await preferencePairs(lm, tok, trainPool.slice(0, pairPrompts), { responseTokens, prefer, key: kPairs });
      if (pairs.length < 8) throw new Error(`rlhf: only ${pairs.length} of ${pairPrompts} sampled pairs could be told apart by the labeller; use more pair prompts or another preference`);
      const nVal = Math.max(1, Math.floor(pairs.length * 0.2));
      const [valPairs, trainPairs] = [pairs.slice(0, nVal), pairs.slice(nVal)];
      subscriber.next({ stage: "pairs", pairs: pairs.length, train: trainPairs.length, validation: valPairs.length, example: pairs[0]!.text });
      const rm = gptRewardModel(config);
      // The reward model starts from the pre-trained trunk (as InstructGPT's did from the SFT model); only `score` is new.
      const rmInit = { ...rm.init(kRm).params, transformer: lm.params.transformer! } as Params;
      const rmDone = await run(trainRewardModel(rm, rmInit, trainPairs, { epochs: rewardEpochs, validation: valPairs, seed }), (s) => ({ stage: "reward", epoch: s.epoch, step: s.step, loss: s.loss, accuracy: s.accuracy, ...(s.val_accuracy === undefined ? {} : { val_accuracy: s.val_accuracy }) }));
      if (stopped || rmDone?.params === undefined) return;
      const rmParams = rmDone.params;
      const before = await evaluatePolicy(lm, lm, rm, rmParams, evalSet, { responseTokens, key: kEval });
      // ---- Stage 3: PPO against the reward model with a KL penalty ------------------------------------------------
      const policy = gptWithValueHead(config);
      const policyInit = { ...policy.init(foldIn(kPpo, 0)).params, transformer: lm.params.transformer! } as Params;
      const last = await run(
        ppoRlhf({ policy, params: policyInit, reference: lm, rewardModel: rm, rewardParams: rmParams, prompts: trainPool, steps: ppoSteps, batchSize: ppoBatchSize, miniBatchSize: Math.max(1, ppoBatchSize / 2), responseTokens, learningRate: ppoLr, key: foldIn(kPpo, 1), kl: adaptiveKlController({ target: klTarget }) }),
        (s) => ({ stage: "ppo", step: s.step, reward: s.reward, kl: s.kl, kl_coef: s.kl_coef, entropy: s.entropy, policy_loss: s.policy_loss, value_loss: s.value_loss, clip_fraction: s.clip_fraction, approx_kl: s.approx_kl }),
      );
      if (stopped || last === undefined) return;
      const tuned: CausalLm = { module: lmModule, params: { transformer: last.params.transformer! } as Params };
      const after = await evaluatePolicy(tuned, lm, rm, rmParams, evalSet, { responseTokens, key: kEval });
      // ---- DPO on the same pairs -----------------------------------------------------------------------------
      const dpoLast = await run(trainDpo(lmModule, lm.params, lm, trainPairs, { beta: dpoBeta, epochs: dpoEpochs, seed }), (s) => ({ stage: "dpo", step: s.step, loss: s.loss, reward_accuracy: s.reward_accuracy, reward_margin: s.reward_margin }));
      if (stopped || dpoLast === undefined) return;
      const dpoAfter = await evaluatePolicy({ module: lmModule, params: dpoLast.params }, lm, rm, rmParams, evalSet, { responseTokens, key: kEval });
      const show = (rs: readonly (readonly number[])[]) => rs.slice(0, 4).map((r, i) => `${tok.decode(evalSet[i]!)}|${tok.decode([...r])}`);
      subscriber.next({
        stage: "result", reward_before: before.reward, reward_after: after.reward, kl: after.kl, kl_target: klTarget,
        dpo_reward_after: dpoAfter.reward, dpo_kl: dpoAfter.kl, reward_model_accuracy: rmDone.val_accuracy ?? Number.NaN,
        samples_before: show(before.responses), samples_after: show(after.responses), samples_dpo: show(dpoAfter.responses), tokenizer: tok, policy: tuned,
      });
      subscriber.complete();
    })().catch((e: unknown) => subscriber.error(e));
    return () => {
      stopped = true;
      for (const s of inner) s.unsubscribe();
    };
  });
