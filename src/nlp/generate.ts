// Text generation as an Observable of tokens: greedy or sampled (temperature, top-k, top-p), with a KV cache, batched prompts, stop tokens; stops on unsubscribe.
import { Observable, asyncScheduler, type SchedulerLike } from "rxjs";
import { Tensor } from "../ops/Tensor.js";
import { tensor } from "../ops/creation.js";
import { narrow, select } from "../ops/slicing.js";
import { foldIn, rand, type Key } from "../ops/random.js";
import type { Module, Params } from "../nn/Module.js";
import type { GptInput, GptOutput, KvCache } from "./models/gpt.js";

/** A causal language model and its parameters: anything that maps ids (+ cache, mask) to logits like `gpt`. */
export interface CausalLm {
  readonly module: Module<GptInput, GptOutput>;
  readonly params: Params;
}

export interface GenerateOptions {
  /** How many tokens to produce at most (per sequence). */
  readonly maxTokens: number;
  /** Divides the logits before sampling (default 1); 0 means greedy (argmax), which needs no key. */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens. */
  readonly topK?: number;
  /** Sample only among the most likely tokens whose probabilities sum to at least p (nucleus sampling). */
  readonly topP?: number;
  /** Token ids that end a sequence; the stop token itself is not emitted. */
  readonly stop?: readonly number[];
  /** Randomness for sampling: the same key gives the same tokens. Required unless temperature is 0. */
  readonly key?: Key;
  /** Reuse the keys and values of earlier positions (default true); the tokens are identical either way. */
  readonly kvCache?: boolean;
  /** The id that left-pads shorter prompts of a batch (default 0; masked out, so its value does not matter). */
  readonly padId?: number;
  /** Where each step runs (default rxjs's asyncScheduler, so an unsubscribe between tokens is seen at once). */
  readonly scheduler?: SchedulerLike;
}

const contextOf = (m: CausalLm): number => {
  const n = m.module.config.nPositions;
  if (typeof n !== "number") throw new Error(`generate: the model's config has no nPositions (got ${String(n)})`);
  return n;
};

/** Picks the next token from one row of logits: argmax, or a sample after temperature, top-k and top-p. */
const pick = (logits: Float32Array, o: GenerateOptions, u: number): number => {
  const t = o.temperature ?? 1;
  if (t === 0 || o.topK === 1) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const kept = o.topK !== undefined ? order.slice(0, o.topK) : order;
  const max = logits[kept[0]!]!;
  let probs = kept.map((i) => Math.exp((logits[i]! - max) / t));
  const z = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / z);
  let n = probs.length;
  if (o.topP !== undefined) {
    // The smallest prefix whose mass reaches topP (the token that crosses it included).
    let acc = 0;
    n = 0;
    while (n < probs.length && acc < o.topP) acc += probs[n++]!;
  }
  const mass = probs.slice(0, n).reduce((a, b) => a + b, 0);
  let r = u * mass;
  for (let i = 0; i < n; i++) {
    r -= probs[i]!;
    if (r < 0) return kept[i]!;
  }
  return kept[n - 1]!;
};

const check = (o: GenerateOptions): void => {
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 0) throw new Error(`generate: maxTokens must be a non-negative integer, got ${String(o.maxTokens)}`);
  const t = o.temperature ?? 1;
  if (!(t >= 0)) throw new Error(`generate: temperature must be ≥ 0, got ${String(o.temperature)}`);
  if (o.topK !== undefined && (!Number.isInteger(o.topK) || o.topK < 1)) throw new Error(`generate: topK must be a positive integer, got ${String(o.topK)}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new Error(`generate: topP must be in (0, 1], got ${String(o.topP)}`);
  if (t > 0 && o.topK !== 1 && o.key === undefined) throw new Error(`generate: sampling (temperature ${t}) needs a key; pass { key } or temperature: 0 for greedy`);
};

/**
 * Generates for a batch of prompts (each a list of token ids, lengths may differ: shorter ones are left-padded and
 * masked). Emits one array per step with each sequence's new token, or null for a sequence that has already stopped;
 * completes after maxTokens steps or when every sequence has stopped, and stops computing on unsubscribe.
 * A prompt longer than the model's context (nPositions) keeps only its last nPositions tokens, and so does the
 * running sequence once it outgrows the context (the cache is then rebuilt from that window every step).
 * @example
 * generateBatch(lm, [[1, 2, 3], [4]], { maxTokens: 5, temperature: 0 }).subscribe((step) => console.log(step)); // [7, 9], …
 */
export const generateBatch = (lm: CausalLm, prompts: readonly (readonly number[])[], options: GenerateOptions): Observable<readonly (number | null)[]> => {
  // Bad arguments throw here, at the call, rather than later as a stream error.
  check(options);
  const ctx = contextOf(lm);
  const B = prompts.length;
  if (B === 0 || prompts.some((p) => p.length === 0)) throw new Error(`generate: every prompt needs at least one token (got ${B === 0 ? "no prompts" : "an empty prompt"})`);
  const vocab = lm.module.config.vocabSize;
  for (const p of prompts)
    for (const id of p) if (!Number.isInteger(id) || id < 0 || (typeof vocab === "number" && id >= vocab)) throw new Error(`generate: token id ${id} is outside the vocabulary 0…${String(vocab)}`);
  return new Observable<readonly (number | null)[]>((subscriber) => {
    const useCache = options.kvCache ?? true;
    const stops = new Set(options.stop ?? []);
    const pad = options.padId ?? 0;
    // Each row left-padded to a common length; `real` marks non-padding positions.
    const width = Math.max(...prompts.map((p) => p.length));
    let rows = prompts.map((p) => [...Array<number>(width - p.length).fill(pad), ...p]);
    let real = prompts.map((p) => [...Array<number>(width - p.length).fill(0), ...Array<number>(p.length).fill(1)]);
    const anyPad = prompts.some((p) => p.length !== width);
    const done = Array<boolean>(B).fill(false);
    let cache: KvCache | undefined;
    let step = 0;
    const ids = (rs: number[][]): Tensor => tensor(rs, { dtype: "int32" });
    const forward = (): Float32Array => {
      // Keep the last ctx positions; with a cache, feed only what the cache has not seen.
      if (rows[0]!.length > ctx) {
        rows = rows.map((r) => r.slice(-ctx));
        real = real.map((r) => r.slice(-ctx));
        cache = undefined;
      }
      const len = rows[0]!.length;
      const past = useCache && cache ? cache.length : 0;
      const fresh = rows.map((r) => r.slice(past));
      const mask = anyPad ? tensor(real, { dtype: "int32" }) : undefined;
      const out = lm.module.forward(lm.params, { ids: ids(fresh), cache: useCache ? cache : undefined, attentionMask: mask });
      cache = useCache && len < ctx ? out.cache : undefined;
      const last = select(narrow(out.logits, 1, out.logits.shape[1]! - 1, 1), 1, 0);
      return last.dataSync() as Float32Array;
    };
    const scheduler = options.scheduler ?? asyncScheduler;
    const sub = scheduler.schedule(function run() {
      if (subscriber.closed) return;
      if (step >= options.maxTokens || done.every(Boolean)) {
        subscriber.complete();
        return;
      }
      try {
        const logits = forward();
        const V = logits.length / B;
        const u = options.key !== undefined ? rand(foldIn(options.key, step), [B]).dataSync() : new Float32Array(B);
        const emitted = Array.from({ length: B }, (_, b): number | null => {
          if (done[b]) return null;
          const tok = pick(logits.subarray(b * V, (b + 1) * V), options, u[b]!);
          if (stops.has(tok)) {
            done[b] = true;
            return null;
          }
          return tok;
        });
        // Stopped sequences keep receiving the pad id (masked out) so the batch stays rectangular.
        rows = rows.map((r, b) => [...r, emitted[b] ?? pad]);
        real = real.map((r, b) => [...r, emitted[b] === null ? 0 : 1]);
        step++;
        if (emitted.some((t) => t !== null)) subscriber.next(emitted);
        this.schedule();
      } catch (err) {
        subscriber.error(err);
      }
    });
    return () => sub.unsubscribe();
  });
};

/**
 * Generates from one prompt, emitting each new token id as it is produced (see generateBatch for the options and how a
 * prompt longer than the context is handled).
 * @example
 * generate(lm, [464, 2068], { maxTokens: 20, temperature: 0.8, topK: 40, key: key(0) }).pipe(take(5)).subscribe(console.log);
 */
export const generate = (lm: CausalLm, prompt: readonly number[], options: GenerateOptions): Observable<number> => {
  const steps = generateBatch(lm, [prompt], options);
  return new Observable<number>((subscriber) =>
    steps.subscribe({
      next: (step) => {
        if (step[0] !== null && step[0] !== undefined) subscriber.next(step[0]);
      },
      error: (e: unknown) => subscriber.error(e),
      complete: () => subscriber.complete(),
    }),
  );
};
